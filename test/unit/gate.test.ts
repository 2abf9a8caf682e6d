/** The checks: pure decisions over what was read. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { evaluateChecks, exposureLevel, type GateFacts } from '../../src/gate/checks.js'
import { formatPoints } from '../../src/format.js'

describe('checks', () => {
  const facts: GateFacts = {
    score: 340,
    time: '2026-11-24T00:00:00Z',
    minScore: undefined,
    exposure: undefined,
    maxExposureScore: undefined,
    previous: undefined,
    maxDrop: undefined,
    deviceGroups: undefined,
    maxDeviceGroupExposureScore: undefined
  }

  it('checks nothing without thresholds', () => {
    assert.deepEqual(evaluateChecks(facts), [])
    assert.deepEqual(evaluateChecks({ ...facts, maxDrop: 5 }), [], 'max-drop needs a previous reading')
    assert.deepEqual(evaluateChecks({ ...facts, maxExposureScore: 5 }), [], 'max-exposure-score needs an exposure reading')
  })

  it('passes at or above min-score and fails below it, naming both', () => {
    assert.equal(evaluateChecks({ ...facts, minScore: 340 })[0]?.passed, true)
    const [failed] = evaluateChecks({ ...facts, score: 339.5, minScore: 340 })
    assert.equal(failed?.passed, false)
    assert.equal(failed?.message, 'Device secure score 339.5 is below the threshold min-score 340 (short by 0.5 points).')
  })

  it('fails an exposure score above max-exposure-score (lower is better)', () => {
    assert.equal(evaluateChecks({ ...facts, exposure: 50, maxExposureScore: 50 })[0]?.passed, true)
    const [failed] = evaluateChecks({ ...facts, exposure: 72, maxExposureScore: 50 })
    assert.equal(failed?.message, 'Exposure score 72 (high) is above the threshold max-exposure-score 50 (lower is better).')
  })

  it('fails a fall larger than max-drop, naming both readings', () => {
    const previous = { score: 365, time: '2026-11-20T00:00:00Z' }
    assert.equal(evaluateChecks({ ...facts, previous, maxDrop: 25 })[0]?.passed, true)
    assert.equal(evaluateChecks({ ...facts, score: 400, previous, maxDrop: 0 })[0]?.passed, true, 'a rise never fails')
    const [failed] = evaluateChecks({ ...facts, previous, maxDrop: 10 })
    assert.equal(
      failed?.message,
      'Device secure score fell by 25 points, more than max-drop 10: from 365 at 2026-11-20T00:00:00Z to 340 at 2026-11-24T00:00:00Z.'
    )
  })

  it('bands exposure as Microsoft does and formats points', () => {
    assert.deepEqual([0, 29, 29.9, 30, 69, 70, 100].map(exposureLevel), ['low', 'low', 'low', 'medium', 'medium', 'high', 'high'])
    assert.equal(formatPoints(1 / 3), '0.33')
    assert.equal(formatPoints(2.5), '2.5')
    assert.equal(formatPoints(7), '7')
  })
})
