/** Secrets cut out of every text that leaves the process, in every encoding, whole or in pieces. */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { addSecret, MAX_PIECES_PER_SECRET, redactSecrets, SECRET_PIECE } from '../../src/secrets.js'

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

  it('removes every piece of 12 characters of a secret a user gives, wherever it starts', () => {
    const given = `ghs_${randomBytes(27).toString('base64url')}`
    addSecret(given)
    for (let start = 0; start + SECRET_PIECE <= given.length; start++) {
      const piece = given.slice(start, start + SECRET_PIECE)
      assert.equal(redactSecrets(`[${piece}]`), '[***]', `piece at ${start}`)
    }
  })

  it('removes an access token whole, and any run of it longer than its stride, among a thousand tenants’ tokens', () => {
    const tokens = Array.from(
      { length: 1000 },
      () => `eyJ0eXAiOiJKV1Qi.${randomBytes(900).toString('base64url')}.${randomBytes(256).toString('base64url')}`
    )
    for (const token of tokens) addSecret(token)
    const token = tokens[500] ?? ''
    const stride = Math.ceil((token.length - SECRET_PIECE + 1) / MAX_PIECES_PER_SECRET)
    assert.equal(redactSecrets(`{"message":"Bearer ${token} is not valid"}`), '{"message":"Bearer *** is not valid"}')
    for (const start of [0, 1, 333, token.length - SECRET_PIECE - stride]) {
      const run = token.slice(start, start + SECRET_PIECE + stride - 1)
      assert.equal(redactSecrets(`cut: ${run}.`).includes(run), false, `a run of ${run.length} at ${start}`)
    }
  })

  it('leaves text without a secret as it is, one megabyte of it too', () => {
    const text = `| Turn on Microsoft Defender Firewall | Network | +2.5 | 12 of 40 |\n`.repeat(16_000)
    assert.equal(redactSecrets(text), text)
  })
})
