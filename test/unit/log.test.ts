/** The log: lines that cannot be split (secrets: ./secrets.test.ts). */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { info } from '../../src/log.js'

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

describe('log lines', () => {
  it('info() keeps a message from outside on one line: no line break can start a workflow command', () => {
    for (const lineBreak of ['\n', '\r', '\r\n', '\u0085', '\u2028', '\u2029']) {
      const written = stdoutOf(() => info(`history line 3 is not a reading${lineBreak}::error::forged by a line of the history`))
      assert.equal(written.split(/\r?\n/).filter(line => line.length > 0).length, 1, JSON.stringify(lineBreak))
      assert.doesNotMatch(written, /(^|[\r\n\u0085\u2028\u2029])::error::/, JSON.stringify(lineBreak))
    }
  })
})
