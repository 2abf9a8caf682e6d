/** The test harness itself. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { EXTRA_GRACE_MS } from '../../src/defender/api.js'
import { GRACE_MS } from '../support/fast-clock-grace.js'
import { parseOutputFile } from '../support/harness.js'

describe('harness', () => {
  it('parses GITHUB_OUTPUT blocks', () => {
    assert.deepEqual(parseOutputFile('a<<ghadelimiter_1\nx\nghadelimiter_1\nb<<ghadelimiter_2\nline1\nline2\nghadelimiter_2\n'), {
      a: 'x',
      b: 'line1\nline2'
    })
  })

  it("the fast clock knows the extras' grace by its length", () => {
    assert.equal(GRACE_MS, EXTRA_GRACE_MS)
  })
})
