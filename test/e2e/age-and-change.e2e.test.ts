/**
 * How long it has been open, and why the score moved, end to end: the remediation deadline
 * (max-exploitable-vulnerability-age-days) dated by Defender or by the history, the explanation of a
 * score change by the recommendations, and readings that may be stale.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { RECOMMENDATIONS_PATH } from '../../src/sources/recommendations/answers.js'
import { stringify } from 'yaml'
import { daysAgo, vulnerabilityItem, type Simulator } from '../sim/simulator.js'
import { annotations, branchLines, onlyError, reportOf, scheduledRun, withSim, type ActionRun } from '../support/harness.js'

const BRANCH = 'secure-score-history'

/** Earlier lines of the simulator's tenant on the history branch. */
function seedHistory(sim: Simulator, lines: Array<Record<string, unknown>>): void {
  const text = lines
    .map(line => JSON.stringify({ exposure: null, tenant: sim.tenantId, apiHost: new URL(sim.apiUrl).host, ...line }))
    .join('\n')
  sim.github.branches.set(BRANCH, new Map([['history.jsonl', Buffer.from(`${text}\n`)]]))
}

function run(sim: Simulator, inputs: Record<string, string>): Promise<ActionRun> {
  return scheduledRun(sim, { 'history-branch': BRANCH, ...inputs })
}

const AGE = { 'max-exploitable-vulnerability-age-days': '30', vulnerabilities: '10' }

describe('a remediation deadline', () => {
  it("max-exploitable-vulnerability-age-days fails an exploitable vulnerability open longer than the limit, by Defender's firstDetected, per tenant", () =>
    withSim(async sim => {
      sim.defender.vulnerabilities = [
        vulnerabilityItem('CVE-2024-30080', { firstDetected: daysAgo(45) }),
        vulnerabilityItem('CVE-2024-21413', { firstDetected: daysAgo(31) }),
        vulnerabilityItem('CVE-2024-38063', { firstDetected: daysAgo(30) })
      ]
      const result = await run(sim, AGE)
      assert.equal(result.exitCode, 1)
      assert.equal(
        onlyError(result),
        '2 exploitable vulnerabilities have been open longer than max-exploitable-vulnerability-age-days 30: CVE-2024-30080 (45 days), CVE-2024-21413 (31 days).'
      )
      assert.equal(result.outputs['overdue-vulnerabilities'], '2')
      const lenient = await run(sim, { ...AGE, 'tenant-id': `${sim.tenantId} max-exploitable-vulnerability-age-days=45` })
      assert.equal(lenient.exitCode, 0, lenient.stdout)
      assert.equal(lenient.outputs['overdue-vulnerabilities'], '0')
    }))

  it('the table has "Open for", the overdue first; report-json items have firstDetected and ageDays', () =>
    withSim(async sim => {
      sim.defender.vulnerabilities = [
        vulnerabilityItem('CVE-2024-30080', { firstDetected: daysAgo(2), exploitVerified: true, epss: 0.9 }),
        vulnerabilityItem('CVE-2024-38063', { firstDetected: daysAgo(90), epss: 0.01 })
      ]
      const result = await run(sim, AGE)
      const rows = result.summary.split('\n').filter(line => line.startsWith('| [CVE-'))
      assert.deepEqual(
        rows.map(row => row.split(' | ').at(-1)),
        ['90 days ⏰ **overdue** |', '2 days |'],
        'overdue first, though the other is what a responder fixes first otherwise'
      )
      assert.match(result.summary, /^\| Vulnerability \| Severity \| CVSS \| EPSS \| Exposed devices \| Exploit \| Open for \|$/m)
      const items = reportOf(result).vulnerabilities?.items ?? []
      assert.deepEqual(
        items.map(item => [item.id, item.firstDetected, item.ageDays]),
        [
          ['CVE-2024-38063', daysAgo(90), 90],
          ['CVE-2024-30080', daysAgo(2), 2]
        ]
      )
    }))

  it('an item without firstDetected is dated by the first earlier reading that listed it, carried from line to line', () =>
    withSim(async sim => {
      sim.defender.vulnerabilities = [vulnerabilityItem('CVE-2024-38063', { firstDetected: undefined })]
      const listedAt = new Date(Date.now() - 40 * 86_400_000).toISOString()
      seedHistory(sim, [{ time: listedAt, score: 340, vulnerabilities: { severity: 'critical', count: 1, ids: ['CVE-2024-38063'] } }])
      const first = await run(sim, AGE)
      assert.equal(first.exitCode, 1, first.stdout)
      assert.match(onlyError(first), /CVE-2024-38063 \(40 days\)/)
      assert.match(first.summary, /\| 40 days \(by the history\) ⏰ \*\*overdue\*\* \|$/m)
      const newest = branchLines(sim).at(-1) as { vulnerabilities?: { firstSeen?: Record<string, string> } }
      assert.deepEqual(newest.vulnerabilities?.firstSeen, { 'CVE-2024-38063': listedAt }, 'carried to the next line')
      // The earlier line loses its IDs (only the newest keeps them): the next run still dates it from the carried time.
      const second = await run(sim, AGE)
      assert.match(onlyError(second), /CVE-2024-38063 \(40 days\)/)
    }))

  it('an item neither Defender nor the history dates fails the check as could not be evaluated, naming it: it is never taken for new', () =>
    withSim(async sim => {
      sim.defender.vulnerabilities = [vulnerabilityItem('CVE-2024-38063', { firstDetected: undefined })]
      const result = await run(sim, AGE)
      assert.equal(result.exitCode, 1)
      assert.equal(
        onlyError(result),
        'Exploitable vulnerability age (max-exploitable-vulnerability-age-days) could not be evaluated: 1 could not be dated ' +
          '(no firstDetected from Defender, and no earlier reading of this action listed it): CVE-2024-38063.'
      )
      assert.equal(reportOf(result).vulnerabilities?.items[0]?.ageDays, null)
      assert.match(result.summary, /\| not dated \|$/m)
      // Seen now, it is dated from this reading on: the next run's age is from this one.
      const next = await run(sim, AGE)
      assert.equal(next.exitCode, 0, next.stdout)
    }))

  it("acceptances and Defender's exceptions are honoured: an accepted or excepted old vulnerability is not overdue", () =>
    withSim(async sim => {
      sim.defender.vulnerabilities = [
        vulnerabilityItem('CVE-2024-30080', { firstDetected: daysAgo(100), status: 'UnderException' }),
        vulnerabilityItem('CVE-2024-38063', { firstDetected: daysAgo(100) }),
        vulnerabilityItem('CVE-2024-21413', { firstDetected: daysAgo(3) })
      ]
      const expires = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)
      sim.github.branches
        .get('main')
        ?.set('risks.yml', Buffer.from(stringify([{ id: 'CVE-2024-38063', reason: 'kiosk image', owner: 'secops', expires }])))
      const result = await run(sim, { ...AGE, 'accepted-risks': 'risks.yml' })
      assert.equal(result.exitCode, 0, result.stdout)
      assert.equal(result.outputs['overdue-vulnerabilities'], '0')
      assert.deepEqual(
        reportOf(result).accepted?.map(item => [item.item, item.leftOutOf.includes('max-exploitable-vulnerability-age-days')]),
        [['CVE-2024-38063', true]]
      )
    }))
})

/** The simulator's recommendations, with `changes` by ID. */
function recommendations(sim: Simulator, changes: Record<string, Record<string, unknown> | null>): unknown[] {
  const kept = (sim.defender.recommendations as Array<Record<string, unknown>>)
    .filter(item => changes[String(item['id'])] !== null)
    .map(item => ({ ...item, ...changes[String(item['id'])] }))
  return kept
}

describe('why the score moved', () => {
  it('names the recommendations that account for the change, largest first, what appeared and left, and the unexplained remainder', () =>
    withSim(async sim => {
      seedHistory(sim, [
        {
          time: new Date(Date.now() - 86_400_000).toISOString(),
          score: 352.5,
          recommendations: {
            items: [
              ['sca-1', 2.5, 12],
              ['sca-2', 1, 2],
              ['sca-9', 0.5, 1]
            ],
            complete: true
          }
        }
      ])
      // Now: Local Admin password management 1 -> 7.25 (28 more devices), the firewall unchanged, sca-4 appeared (4), sca-9 left.
      const result = await run(sim, { recommendations: '0' })
      assert.equal(result.exitCode, 0, result.stdout)
      assert.match(result.summary, /^### Why the score moved$/m)
      assert.match(result.summary, /The score went down 12\.5 points since the previous reading \(352\.5 at /)
      const rows = result.summary.split('\n').filter(line => /^\| .* \| [+-][\d.]+ \|$/.test(line))
      assert.deepEqual(rows, [
        '| Enable Local Admin password management | 28 more exposed devices | 1 → 7.25 | -6.25 |',
        '| Block Office applications from creating child processes | appeared | 0 → 4 | -4 |',
        '| sca-9 | left (fixed, excepted, or no longer counted) | 0.5 → 0 | +0.5 |'
      ])
      assert.match(result.summary, /^-2\.75 points not explained by the recommendations\.$/m)
      assert.match(result.summary, /not when each change happened/)
      const change = reportOf(result).scoreChange
      assert.equal(change?.delta, -12.5)
      assert.equal(change?.unexplained, -2.75)
      assert.deepEqual(
        change?.movers?.map(mover => mover.id),
        ['sca-2']
      )
      assert.deepEqual(
        change?.appeared?.map(mover => mover.id),
        ['sca-4']
      )
      assert.deepEqual(
        change?.left?.map(mover => mover.id),
        ['sca-9']
      )
      assert.doesNotMatch(result.summary, /Top \d+ recommendations/, 'recommendations 0 shows no top list')
    }))

  it('reads every recommendation once a run, paged, for the top list and the explanation alike', () =>
    withSim(async sim => {
      seedHistory(sim, [
        { time: new Date(Date.now() - 86_400_000).toISOString(), score: 350, recommendations: { items: [], complete: true } }
      ])
      const result = await run(sim, { recommendations: '3' })
      assert.equal(result.exitCode, 0, result.stdout)
      const reads = sim.requestsTo('api', RECOMMENDATIONS_PATH).map(request => new URL(request.path, 'http://x').searchParams)
      assert.deepEqual(
        reads.map(query => [query.get('$top'), query.get('$skip')]),
        [['10000', '0']]
      )
      assert.match(result.summary, /Top 3 recommendations/)
      assert.match(result.summary, /Why the score moved/)
    }))

  it("a previous line without a record, or with a tampered or cut one, gives 'could not be explained', never an attribution, and the run passes", () =>
    withSim(async sim => {
      const time = new Date(Date.now() - 86_400_000).toISOString()
      const cases: Array<[unknown, RegExp]> = [
        [undefined, /kept no record of the recommendations/],
        [{ items: [['sca-1', 'lots', 12]], complete: true }, /record of the recommendations .* is not readable/],
        [{ items: [['sca-1', 2.5, 12]], complete: false }, /recorded only part of its recommendations/]
      ]
      for (const [record, reason] of cases) {
        seedHistory(sim, [{ time, score: 350, ...(record === undefined ? {} : { recommendations: record }) }])
        const result = await run(sim, {})
        assert.equal(result.exitCode, 0, result.stdout)
        assert.match(result.summary, new RegExp(`could not be explained: .*${reason.source}`))
        assert.doesNotMatch(result.summary, /\| Part of the change \|/)
        assert.match(reportOf(result).scoreChange?.reason ?? '', reason)
      }
    }))

  it('a failure to read the recommendations is a note, not a verdict', () =>
    withSim(async sim => {
      seedHistory(sim, [
        { time: new Date(Date.now() - 86_400_000).toISOString(), score: 350, recommendations: { items: [], complete: true } }
      ])
      sim.entra.app.roles = sim.entra.app.roles.filter(role => role !== 'SecurityRecommendation.Read.All')
      const result = await run(sim, { 'min-score': '300' })
      assert.equal(result.exitCode, 0, result.stdout)
      assert.match(result.summary, /could not be explained: the recommendations could not be read in this run/)
    }))

  it('explain-score-change true without a history is a configuration error; false reads no recommendations for it', () =>
    withSim(async sim => {
      const refused = await scheduledRun(sim, { 'explain-score-change': 'true' })
      assert.match(onlyError(refused), /^explain-score-change 'true' needs a history to compare with/)
      assert.equal(sim.requestsTo('api').length, 0)
      seedHistory(sim, [{ time: new Date(Date.now() - 86_400_000).toISOString(), score: 350 }])
      const off = await run(sim, { 'explain-score-change': 'false', recommendations: '0' })
      assert.equal(off.exitCode, 0, off.stdout)
      assert.equal(sim.requestsTo('api', RECOMMENDATIONS_PATH).length, 0)
      assert.equal(reportOf(off).scoreChange, null)
    }))
})

describe('stale readings', () => {
  it('a reading identical to one 7 or more days earlier (score, exposure score, every impact) is said to be maybe stale, in the summary and a warning, and does not fail', () =>
    withSim(async sim => {
      // Today's impacts, as a run a week ago recorded them (the digest of the same recommendations).
      const first = await run(sim, { 'include-exposure-score': 'true' })
      const [line] = branchLines(sim)
      const weekAgo = { ...line, time: new Date(Date.now() - 8 * 86_400_000).toISOString(), run: 'week-ago' }
      assert.equal(first.exitCode, 0, first.stdout)
      seedHistory(sim, [weekAgo])
      const result = await run(sim, { 'include-exposure-score': 'true', 'min-score': '300' })
      assert.equal(result.exitCode, 0, result.stdout)
      assert.match(
        annotations(result, 'warning').join('\n'),
        /^The data may be stale: the score \(340\), the exposure score and every recommendation's score impact are identical to the reading of /m
      )
      assert.match(result.summary, /\*\*The data may be stale\.\*\*/)
      assert.equal(reportOf(result).staleSince, weekAgo.time)
      sim.defender.recommendations = recommendations(sim, { 'sca-1': { configScoreImpact: 3 } })
      seedHistory(sim, [weekAgo])
      const changed = await run(sim, { 'include-exposure-score': 'true' })
      assert.deepEqual(annotations(changed, 'warning'), [], 'an impact that moved is not stale')
    }))
})
