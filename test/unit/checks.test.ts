/** The checks: pure decisions over what was read. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Check, CheckFacts, VulnerabilityFacts } from '../../src/checks/check.js'
import { CHECK_IDS, CHECKS, evaluateChecks as evaluateRegistered, type Limits } from '../../src/checks/registry.js'
import { exposureLevel } from '../../src/sources/exposure/source.js'
import { formatPoints } from '../../src/format.js'

/** A tenant's facts and its limits in one object, as the cases below write them; `score` is its number of points. */
type Case = Omit<CheckFacts, 'score'> & { score: number } & Limits

/** The registered checks over a case's facts, with its limits. */
function evaluateChecks(input: Case): Check[] {
  const limits: Limits = Object.fromEntries(CHECK_IDS.map(id => [id, input[id]]))
  return evaluateRegistered({ ...input, score: { score: input.score, time: '2026-11-24T00:00:00Z' } }, limits)
}

describe('the check registry', () => {
  it('lists each check once, by its input name, with what it needs and how its limit reads', () => {
    assert.equal(new Set(CHECK_IDS).size, CHECKS.length)
    for (const check of CHECKS) {
      assert.match(check.id, /^(min|max)-[a-z-]+$/)
      assert.equal(check.direction, check.id.startsWith('min-') ? 'at least' : 'at most', check.id)
      assert.ok(check.needs.sources.length > 0, check.id)
    }
  })
})

describe('checks', () => {
  const facts: Case = {
    score: 340,
    exposure: undefined,
    history: { kind: 'read', previous: undefined },
    deviceGroups: undefined,
    vulnerabilities: undefined,
    devices: undefined
  }

  it('checks nothing without thresholds', () => {
    assert.deepEqual(evaluateChecks(facts), [])
  })

  it('max-drop on the first reading a history holds passes, and says the fall is checked from the next run on', () => {
    const [first] = evaluateChecks({ ...facts, 'max-drop': 5 })
    assert.equal(first?.passed, true)
    assert.equal(first?.value, undefined)
    assert.match(first?.message ?? '', /^max-drop: the history holds no earlier reading of this tenant; .*checked from the next run on\.$/)
  })

  it('a check that was asked for and cannot be evaluated fails, saying why', () => {
    const reason = 'history-branch: history.jsonl on branch h could not be read (HTTP 502)'
    const cases: Array<[Partial<Case>, RegExp]> = [
      [
        { 'max-drop': 5, history: { kind: 'unavailable', reason } },
        /^Device secure score change \(max-drop\) could not be evaluated: history-branch: .*HTTP 502\)\.$/
      ],
      [{ 'max-drop': 5, history: { kind: 'none' } }, /\(max-drop\) could not be evaluated: no history is kept/],
      [{ 'max-exposure-score': 5 }, /^Exposure score \(max-exposure-score\) could not be evaluated: the exposure score was not read\.$/],
      [{ 'max-device-group-exposure-score': 5 }, /could not be evaluated: the exposure scores of the device groups were not read/],
      [
        { 'max-device-group-exposure-score': 5, deviceGroups: { groups: [], missing: [], listed: [], accepted: [] } },
        /could not be evaluated: the API lists no device group/
      ],
      [
        {
          'max-device-group-exposure-score': 50,
          deviceGroups: { groups: [{ name: 'Servers', score: 10 }], missing: ['Kiosk'], listed: ['Servers'], accepted: [] }
        },
        /^Device group "Kiosk" \(max-device-group-exposure-score\) could not be evaluated: the API does not list this group .*; it lists "Servers"\.$/
      ],
      [
        { 'max-exploitable-vulnerabilities': 0, vulnerabilities: { kind: 'unavailable', severity: 'critical', reason: 'HTTP 403' } },
        /^Exploitable vulnerabilities \(max-exploitable-vulnerabilities\) could not be evaluated: HTTP 403\.$/
      ],
      [{ 'max-exploitable-vulnerabilities': 0 }, /could not be evaluated: the vulnerabilities were not read/],
      [
        { 'max-new-exploitable-vulnerabilities': 0, vulnerabilities: { kind: 'unavailable', severity: 'critical', reason: 'HTTP 403' } },
        /^Newly exploitable vulnerabilities \(max-new-exploitable-vulnerabilities\) could not be evaluated: HTTP 403\.$/
      ],
      [
        {
          'max-new-exploitable-vulnerabilities': 0,
          vulnerabilities: { kind: 'read', severity: 'critical', count: 1, changes: { kind: 'unknown', reason: 'cut' }, ages: [] }
        },
        /could not be evaluated: cut\.$/
      ],
      [
        {
          'max-new-exploitable-vulnerabilities': 0,
          vulnerabilities: { kind: 'read', severity: 'critical', count: 1, changes: { kind: 'untracked' }, ages: [] }
        },
        /could not be evaluated: no history is kept/
      ]
    ]
    for (const [changed, message] of cases) {
      const checks = evaluateChecks({ ...facts, ...changed })
      const failed = checks.filter(check => !check.passed)
      assert.equal(failed.length, 1, JSON.stringify(changed))
      assert.match(failed[0]?.message ?? '', message)
      assert.ok(failed[0]?.unevaluated, 'the reason is kept for report-json')
      assert.equal(failed[0]?.value, undefined)
    }
  })

  it('fails more exploitable vulnerabilities than the limit, and more newly exploitable ones than theirs', () => {
    const read = (count: number, added: string[]): VulnerabilityFacts => ({
      kind: 'read',
      severity: 'high',
      count,
      changes: { kind: 'compared', since: 'T1', added, removed: [] },
      ages: []
    })
    assert.equal(evaluateChecks({ ...facts, 'max-exploitable-vulnerabilities': 2, vulnerabilities: read(2, []) })[0]?.passed, true)
    const [tooMany] = evaluateChecks({ ...facts, 'max-exploitable-vulnerabilities': 0, vulnerabilities: read(1, []) })
    assert.equal(tooMany?.message, '1 exploitable high or critical vulnerability: more than max-exploitable-vulnerabilities 0.')
    assert.equal(evaluateChecks({ ...facts, 'max-new-exploitable-vulnerabilities': 1, vulnerabilities: read(5, ['A']) })[0]?.passed, true)
    const [tooNew] = evaluateChecks({ ...facts, 'max-new-exploitable-vulnerabilities': 1, vulnerabilities: read(5, ['A', 'B']) })
    assert.equal(
      tooNew?.message,
      '2 high or critical vulnerabilities became exploitable since the previous reading (T1), more than max-new-exploitable-vulnerabilities 1.'
    )
    assert.equal(tooNew?.value, 2)
  })

  it('passes at or above min-score and fails below it, naming both', () => {
    assert.equal(evaluateChecks({ ...facts, 'min-score': 340 })[0]?.passed, true)
    const [failed] = evaluateChecks({ ...facts, score: 339.5, 'min-score': 340 })
    assert.equal(failed?.passed, false)
    assert.equal(failed?.message, 'Device secure score 339.5 is below the threshold min-score 340 (short by 0.5 points).')
  })

  it('fails an exposure score above max-exposure-score (lower is better)', () => {
    assert.equal(evaluateChecks({ ...facts, exposure: 50, 'max-exposure-score': 50 })[0]?.passed, true)
    const [failed] = evaluateChecks({ ...facts, exposure: 72, 'max-exposure-score': 50 })
    assert.equal(failed?.message, 'Exposure score 72 (high) is above the threshold max-exposure-score 50 (lower is better).')
  })

  it('fails a fall larger than max-drop, naming both readings', () => {
    const history = { kind: 'read', previous: { score: 365, time: '2026-11-20T00:00:00Z' } } as const
    assert.equal(evaluateChecks({ ...facts, history, 'max-drop': 25 })[0]?.passed, true)
    assert.equal(evaluateChecks({ ...facts, score: 400, history, 'max-drop': 0 })[0]?.passed, true, 'a rise never fails')
    const [failed] = evaluateChecks({ ...facts, history, 'max-drop': 10 })
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
