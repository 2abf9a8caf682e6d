/** The log: secrets cut out in every encoding, lines that cannot be split. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { addSecret, info, redactSecrets } from '../../src/log.js'

/** What `work` writes to standard output, as the runner reads it. */
function stdoutOf(work: () => void): string {
  const write = process.stdout.write.bind(process.stdout)
  let written = ''
  process.stdout.write = ((chunk: string | Uint8Array) => {
    written += String(chunk)
    return true
  }) as typeof process.stdout.write
  try {
    work()
  } finally {
    process.stdout.write = write
  }
  return written
}

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

describe('log lines', () => {
  it('info() keeps a message from outside on one line: no line break can start a workflow command', () => {
    for (const lineBreak of ['\n', '\r', '\r\n', '\u0085', '\u2028', '\u2029']) {
      const written = stdoutOf(() => info(`history line 3 is not a reading${lineBreak}::error::forged by a line of the history`))
      assert.equal(written.split(/\r?\n/).filter(line => line.length > 0).length, 1, JSON.stringify(lineBreak))
      assert.doesNotMatch(written, /(^|[\r\n\u0085\u2028\u2029])::error::/, JSON.stringify(lineBreak))
    }
  })
})
