/** The log: secrets cut out in every encoding, lines that cannot be split. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { addSecret, redactSecrets } from '../../src/log.js'

describe('redaction', () => {
  // Parentheses, spaces, a quote, a backslash, a slash and a non-ASCII letter: each encoding writes them differently.
  const secret = 'PLANTED-s3cr3t (f) p"q\\r/\u00fc~tail-0123456789'
  addSecret(secret)
  const formEncoded = new URLSearchParams({ v: secret }).toString().slice(2)
  const jsonEscaped = JSON.stringify(secret).slice(1, -1)
  const echoes: Array<[string, string]> = [
    ['raw', secret],
    ['URL-encoded', encodeURIComponent(secret)],
    ['form-encoded', formEncoded],
    ['JSON-escaped', jsonEscaped],
    ['JSON-escaped with \\u and \\/', jsonEscaped.replace('\u00fc', '\\u00fc').replace('/', '\\/')],
    ['form-encoded inside JSON', JSON.stringify(formEncoded).slice(1, -1)]
  ]
  for (const [encoding, echo] of echoes) {
    it(`removes a secret echoed ${encoding} whole, whatever the order it was learnt in`, () => {
      assert.equal(redactSecrets(`error: client_secret=${echo}&x=1`), 'error: client_secret=***&x=1')
    })
  }

  it('removes a cut piece of 12 characters or more, and leaves no fragment such as (f) or " p"', () => {
    const cut = formEncoded.slice(0, 30)
    const redacted = redactSecrets(`echo: ${cut}`)
    assert.equal(redacted, 'echo: ***')
  })
})
