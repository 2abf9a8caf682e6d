/** The test harness itself. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseOutputFile } from '../support/harness.js'

describe('harness', () => {
  it('parses GITHUB_OUTPUT blocks', () => {
    assert.deepEqual(parseOutputFile('a<<ghadelimiter_1\nx\nghadelimiter_1\nb<<ghadelimiter_2\nline1\nline2\nghadelimiter_2\n'), {
      a: 'x',
      b: 'line1\nline2'
    })
  })
})
