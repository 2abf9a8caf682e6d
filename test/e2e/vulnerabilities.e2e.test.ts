/**
 * What is exploitable, end to end: the vulnerabilities read page by page alongside the score, the
 * gate on how many are exploitable and on how many became so since the previous reading, the
 * history's bounded record of them, a missing permission (a warning, or a check that fails), and
 * hostile answers.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { VULNERABILITIES_PATH } from '../../src/sources/vulnerabilities/answers.js'
import { MAX_RECORDED_IDS } from '../../src/sources/vulnerabilities/changes.js'
import { onScore } from '../sim/defender.js'
import { json } from '../sim/reply.js'
import { daysAgo, vulnerabilityItem, type Simulator } from '../sim/simulator.js'
import type { CheckJson, VulnerabilitiesJson } from '../../src/report/report-json.js'
import {
  annotations,
  branchLines,
  onlyError,
  reportOf,
  runSwept,
  scheduledRun,
  secretInputs,
  withSim,
  type ActionRun
} from '../support/harness.js'

function vulnerabilitiesOf(run: ActionRun): VulnerabilitiesJson | null {
  return reportOf(run).vulnerabilities
}

function checkOf(run: ActionRun, input: string): CheckJson | undefined {
  return reportOf(run).checks.find(check => check.input === input)
}

function vulnerabilityRequests(sim: Simulator): URLSearchParams[] {
  return sim.requestsTo('api', VULNERABILITIES_PATH).map(request => new URL(request.path, 'http://x').searchParams)
}

/** `count` exploitable critical vulnerabilities, CVE-2025-10000 on, and as many that are not (no exploit, no device, lower severity). */
function manyVulnerabilities(count: number): unknown[] {
  return Array.from({ length: count }, (_, index) => [
    vulnerabilityItem(`CVE-2025-${10000 + index}`, { epss: (index % 100) / 100 }),
    vulnerabilityItem(`CVE-2024-${10000 + index}`, { publicExploit: false })
  ]).flat()
}

const run = (sim: Simulator, inputs: Record<string, string>) => runSwept(sim, { inputs: { ...secretInputs(sim), ...inputs } })

describe('exploitable vulnerabilities', () => {
  it('max-exploitable-vulnerabilities 0 fails on the exploitable ones only (on a device, with an exploit, at critical), filtered on the server', () =>
    withSim(async sim => {
      const result = await run(sim, { 'max-exploitable-vulnerabilities': '0' })
      assert.equal(result.exitCode, 1)
      // CVE-2024-30080, CVE-2024-21413, CVE-2024-38063; not the high one, nor the one on no device, nor Microsoft's example item.
      assert.equal(onlyError(result), '3 exploitable critical vulnerabilities: more than max-exploitable-vulnerabilities 0.')
      assert.equal(result.outputs['exploitable-vulnerabilities'], '3')
      assert.equal(result.outputs['passed'], 'false')
      const [query, ...more] = vulnerabilityRequests(sim)
      assert.equal(more.length, 0)
      assert.equal(query?.get('$filter'), "severity eq 'Critical'")
      assert.equal(query?.get('$top'), '8000')
      assert.equal(query?.get('$skip'), '0')
      assert.deepEqual(checkOf(result, 'max-exploitable-vulnerabilities'), {
        input: 'max-exploitable-vulnerabilities',
        limit: 0,
        value: 3,
        passed: false
      })
      const document = vulnerabilitiesOf(result)
      assert.equal(document?.severity, 'critical')
      assert.equal(document?.count, 3)
      assert.deepEqual(document?.items, [], 'vulnerabilities 0 lists none')
      assert.match(result.summary, /^### Exploitable vulnerabilities \(critical\)$/m)
    }))

  it('is requested at the same time as the score, not after it', () =>
    withSim(async sim => {
      sim.serviceLatencyMs.api = 150
      await run(sim, { vulnerabilities: '3' })
      const [score, vulnerabilities] = ['/api/configurationScore', VULNERABILITIES_PATH].map(path => sim.requestsTo('api', path)[0])
      assert.ok(score && vulnerabilities && vulnerabilities.receivedAt < score.answeredAt, 'requested before the score was answered')
    }))

  it('makes no request, and leaves the output empty, when neither listed nor gated', () =>
    withSim(async sim => {
      const result = await run(sim, { 'vulnerability-severity': 'low' })
      assert.equal(result.exitCode, 0)
      assert.equal(vulnerabilityRequests(sim).length, 0)
      assert.equal(result.outputs['exploitable-vulnerabilities'], '')
      assert.equal(vulnerabilitiesOf(result), null)
      assert.doesNotMatch(result.summary, /Exploitable vulnerabilities/)
    }))

  it('lists them in the order a responder fixes them, with severity, CVSS, EPSS, devices and exploit kind', () =>
    withSim(async sim => {
      // A limit makes the run wait for the list: without one it is an extra with a grace period, not this test's subject.
      const result = await run(sim, { vulnerabilities: '10', 'vulnerability-severity': 'high', 'max-exploitable-vulnerabilities': '10' })
      assert.equal(result.exitCode, 0)
      const rows = result.summary.split('\n').filter(line => line.startsWith('| [CVE-'))
      assert.deepEqual(rows, [
        '| [CVE-2024-30080](https://www.cve.org/CVERecord?id=CVE-2024-30080) | critical | 9.8 | 92% | 12 | verified, public | 10 days |',
        '| [CVE-2023-36884](https://www.cve.org/CVERecord?id=CVE-2023-36884) | high | 8.8 | 81% | 7 | in an exploit kit, public | 10 days |',
        '| [CVE-2024-21413](https://www.cve.org/CVERecord?id=CVE-2024-21413) | critical | 9.8 | 95% | 30 | public | 10 days |',
        '| [CVE-2024-38063](https://www.cve.org/CVERecord?id=CVE-2024-38063) | critical | 9.8 | 8% | 40 | public | 10 days |'
      ])
      assert.equal(vulnerabilityRequests(sim)[0]?.get('$filter'), "severity eq 'High' or severity eq 'Critical'")
      assert.deepEqual(vulnerabilitiesOf(result)?.items[1], {
        id: 'CVE-2023-36884',
        severity: 'high',
        cvssV3: 8.8,
        epss: 0.81,
        exposedMachines: 7,
        publicExploit: true,
        exploitVerified: false,
        exploitInKit: true,
        partialException: false,
        firstDetected: daysAgo(10),
        ageDays: 10
      })
    }))

  it('pages with $top and $skip until a short page, counting each CVE once', () =>
    withSim(async sim => {
      // 8,001 items of the severity, the last the first again (as a page read while the data changes repeats one).
      const items = manyVulnerabilities(4000)
      sim.defender.vulnerabilities = [...items, vulnerabilityItem('CVE-2025-10000', { epss: 0.5 })]
      const result = await run(sim, { 'max-exploitable-vulnerabilities': '4000' })
      assert.equal(result.exitCode, 0, result.stdout)
      assert.equal(result.outputs['exploitable-vulnerabilities'], '4000', 'CVE-2025-10000 counted once')
      assert.deepEqual(
        vulnerabilityRequests(sim).map(query => query.get('$skip')),
        ['0', '8000'],
        'a full page, then a short one'
      )
    }))

  it("follows @odata.nextLink on the API's origin, and never to another (the token would go with it): the check then cannot be evaluated", () =>
    withSim(async sim => {
      sim.defender.vulnerabilities = manyVulnerabilities(4100)
      sim.defender.vulnerabilityNextLinkOrigin = sim.apiUrl
      const followed = await run(sim, { 'max-exploitable-vulnerabilities': '5000' })
      assert.equal(followed.exitCode, 0, followed.stdout)
      assert.equal(followed.outputs['exploitable-vulnerabilities'], '4100')
      assert.equal(vulnerabilityRequests(sim).length, 2)

      sim.defender.vulnerabilityNextLinkOrigin = 'https://collector.example.net'
      const refused = await run(sim, { 'max-exploitable-vulnerabilities': '5000' })
      assert.equal(refused.exitCode, 1)
      assert.match(
        onlyError(refused),
        /^Exploitable vulnerabilities \(max-exploitable-vulnerabilities\) could not be evaluated: .*@odata\.nextLink\) outside http:\/\/127\.0\.0\.1:\d+; it was not followed/
      )
      assert.equal(refused.outputs['exploitable-vulnerabilities'], '')
    }))

  it('follows @odata.nextLink on a page shorter than $top: the server pages at its own size', () =>
    withSim(async sim => {
      sim.defender.vulnerabilities = manyVulnerabilities(5)
      sim.defender.vulnerabilityServerPageSize = 3
      const result = await run(sim, { 'max-exploitable-vulnerabilities': '10' })
      assert.equal(result.exitCode, 0, result.stdout)
      assert.equal(result.outputs['exploitable-vulnerabilities'], '5')
      assert.deepEqual(
        vulnerabilityRequests(sim).map(query => query.get('$skip') ?? '0'),
        ['0', '3', '6', '9']
      )
    }))

  it('refuses exploit flags of the wrong type ("true" with 40 exposed devices): the gate on them fails closed', () =>
    withSim(async sim => {
      sim.defender.vulnerabilities = [vulnerabilityItem('CVE-2024-43491', { publicExploit: 'true', exposedMachines: 40 })]
      const result = await run(sim, { 'max-exploitable-vulnerabilities': '0' })
      assert.equal(result.exitCode, 1)
      assert.match(
        onlyError(result),
        /^Exploitable vulnerabilities \(max-exploitable-vulnerabilities\) could not be evaluated: .*exploit flags are not true or false \(publicExploit "true"/
      )
      assert.equal(checkOf(result, 'max-exploitable-vulnerabilities')?.['passed'], false)
    }))

  describe('without Vulnerability.Read.All (403)', () => {
    const withoutPermission = (sim: Simulator) => {
      sim.entra.app.roles = sim.entra.app.roles.filter(role => role !== 'Vulnerability.Read.All')
    }

    it('and no vulnerability gate: a warning naming the permission, and the run goes on', () =>
      withSim(async sim => {
        withoutPermission(sim)
        // The score answers after the refusal, so the extra's grace period (which starts at the score) is not in play.
        sim.script.api.push(onScore({ ...json(200, { time: new Date().toISOString(), score: 340 }), delayMs: 400 }))
        const result = await run(sim, { vulnerabilities: '5', 'min-score': '300' })
        assert.equal(result.exitCode, 0)
        const [warning, ...others] = annotations(result, 'warning')
        assert.equal(others.length, 0)
        assert.match(warning ?? '', /^Exploitable vulnerabilities skipped: The Defender API refused GET \/api\/vulnerabilities \(HTTP 403/)
        assert.match(warning ?? '', /application permission Vulnerability\.Read\.All/)
        assert.equal(result.outputs['passed'], 'true')
        assert.equal(result.outputs['exploitable-vulnerabilities'], '')
      }))

    it('with a gate: the check cannot be evaluated, names the permission and fails; with fail-on-low-score false, a warning', () =>
      withSim(async sim => {
        withoutPermission(sim)
        const failed = await run(sim, { 'max-exploitable-vulnerabilities': '0' })
        assert.equal(failed.exitCode, 1)
        assert.match(
          onlyError(failed),
          /^Exploitable vulnerabilities \(max-exploitable-vulnerabilities\) could not be evaluated: The Defender API refused GET \/api\/vulnerabilities \(HTTP 403.*Vulnerability\.Read\.All/
        )
        assert.equal(checkOf(failed, 'max-exploitable-vulnerabilities')?.['passed'], false)
        assert.match(String(vulnerabilitiesOf(failed)?.error), /HTTP 403/)
        assert.match(failed.summary, /Could not be read: The Defender API refused/)

        const warned = await run(sim, { 'max-exploitable-vulnerabilities': '0', 'fail-on-low-score': 'false' })
        assert.equal(warned.exitCode, 0)
        assert.equal(warned.outputs['passed'], 'false')
        assert.ok(annotations(warned, 'warning').some(line => /could not be evaluated: .*Vulnerability\.Read\.All/.test(line)))
      }))
  })

  describe('since the previous reading', () => {
    it('records count and IDs in the history; the next run names the new ones first and the fixed ones, and max-new fails on them', () =>
      withSim(async sim => {
        const inputs = { 'history-branch': 'secure-score-history', 'max-new-exploitable-vulnerabilities': '0', vulnerabilities: '5' }
        const first = await scheduledRun(sim, inputs)
        assert.equal(first.exitCode, 0, first.stdout)
        assert.deepEqual(checkOf(first, 'max-new-exploitable-vulnerabilities'), {
          input: 'max-new-exploitable-vulnerabilities',
          limit: 0,
          value: null,
          passed: true,
          note: 'the history holds no earlier vulnerability reading of this tenant; new ones are counted from the next run on'
        })
        assert.deepEqual(branchLines(sim)[0]?.['vulnerabilities'], {
          severity: 'critical',
          count: 3,
          ids: ['CVE-2024-30080', 'CVE-2024-21413', 'CVE-2024-38063']
        })

        // CVE-2024-21413 is patched; two become exploitable, one of them with an exploit kit.
        sim.defender.vulnerabilities = [
          vulnerabilityItem('CVE-2024-30080', { exploitVerified: true, epss: 0.92 }),
          vulnerabilityItem('CVE-2024-38063', { epss: 0.08 }),
          vulnerabilityItem('CVE-2025-0001', { epss: 0.01 }),
          vulnerabilityItem('CVE-2025-0002', { exploitInKit: true, epss: 0.3 })
        ]
        const second = await scheduledRun(sim, inputs, { env: { GITHUB_RUN_ID: '4243' } })
        assert.equal(second.exitCode, 1)
        assert.match(
          onlyError(second),
          /^2 critical vulnerabilities became exploitable since the previous reading \(.+\), more than max-new-exploitable-vulnerabilities 0\.$/
        )
        const document = vulnerabilitiesOf(second)
        assert.deepEqual(document?.new, ['CVE-2025-0002', 'CVE-2025-0001'], 'in the order a responder fixes them')
        assert.deepEqual(document?.fixed, ['CVE-2024-21413'])
        const section = second.summary.slice(second.summary.indexOf('### Exploitable vulnerabilities'))
        assert.ok(
          section.indexOf('**New since the previous reading**') < section.indexOf('No longer exploitable') &&
            section.indexOf('No longer exploitable') < section.indexOf('| Vulnerability |'),
          'the new ones are named first'
        )
        assert.match(section, /\| \[CVE-2025-0002\]\(https:\/\/www\.cve\.org\/CVERecord\?id=CVE-2025-0002\) 🆕 \|/)
        assert.equal(branchLines(sim).length, 2)
      }))

    it('keeps a line bounded: 3,000 exploitable write 2,500 IDs, and the next run cannot tell which are new, so max-new fails', () =>
      withSim(async sim => {
        sim.defender.vulnerabilities = manyVulnerabilities(3000)
        const inputs = { 'history-branch': 'secure-score-history', 'max-new-exploitable-vulnerabilities': '10' }
        assert.equal((await scheduledRun(sim, inputs)).exitCode, 0)
        const line = sim.github.branches.get('secure-score-history')?.get('history.jsonl')?.toString('utf8') ?? ''
        assert.ok(line.length < 50_000, `a line of ${line.length} bytes`)
        const record = branchLines(sim)[0]?.['vulnerabilities'] as { count: number; ids: string[] }
        assert.equal(record.count, 3000)
        assert.equal(record.ids.length, MAX_RECORDED_IDS)

        const next = await scheduledRun(sim, inputs, { env: { GITHUB_RUN_ID: '4243' } })
        assert.equal(next.exitCode, 1)
        assert.match(
          onlyError(next),
          /^Newly exploitable vulnerabilities \(max-new-exploitable-vulnerabilities\) could not be evaluated: the previous reading \(.+\) had 3000 exploitable vulnerabilities, more than the 2500 whose IDs a history line keeps/
        )
      }))

    it('a previous record that was tampered with cannot be compared: max-new fails; one at another severity counts as a first reading', () =>
      withSim(async sim => {
        const line = (vulnerabilities: unknown) =>
          `${JSON.stringify({ time: '2026-11-01T00:00:00Z', score: 340, exposure: null, tenant: sim.tenantId, apiHost: 'x', vulnerabilities })}\n`
        const inputs = { 'history-branch': 'secure-score-history', 'max-new-exploitable-vulnerabilities': '5' }
        sim.github.branches.set(
          'secure-score-history',
          new Map([['history.jsonl', Buffer.from(line({ severity: 'critical', count: 1, ids: ['A', 'B'] }))]])
        )
        const tampered = await scheduledRun(sim, inputs)
        assert.equal(tampered.exitCode, 1)
        assert.match(
          onlyError(tampered),
          /could not be evaluated: the vulnerability record of the previous reading \(2026-11-01T00:00:00Z\)/
        )

        sim.github.branches.set(
          'secure-score-history',
          new Map([['history.jsonl', Buffer.from(line({ severity: 'high', count: 0, ids: [] }))]])
        )
        const otherSeverity = await scheduledRun(sim, inputs, { env: { GITHUB_RUN_ID: '4243' } })
        assert.equal(otherSeverity.exitCode, 0)
        assert.match(
          String(checkOf(otherSeverity, 'max-new-exploitable-vulnerabilities')?.['note']),
          /counted high and above, not critical/
        )
      }))
  })

  it('hostile answers: an ID that is not a CVE is inert text; an item without a severity or device count is refused, so the gate fails', () =>
    withSim(async sim => {
      sim.defender.vulnerabilities = [vulnerabilityItem('[pwned](https://evil.example) @octo-org/admins #1 <img src=x>')]
      const shown = await run(sim, { vulnerabilities: '5', 'max-exploitable-vulnerabilities': '10' })
      assert.equal(shown.exitCode, 0)
      const row = shown.summary.split('\n').find(line => line.includes('pwned')) ?? ''
      assert.doesNotMatch(row, /(?<!\\)\]\(|@octo|#1|(?<!\\)<img/, 'no link, mention, reference or tag')
      assert.match(row, /\\\[pwned\\\]/)

      sim.defender.vulnerabilities = [vulnerabilityItem('CVE-2025-1', { exposedMachines: 'many' })]
      const refused = await run(sim, { 'max-exploitable-vulnerabilities': '0' })
      assert.equal(refused.exitCode, 1)
      assert.match(onlyError(refused), /could not be evaluated: .*an item that has no ID, no known severity or no count of exposed devices/)
    }))

  it('the tracking issue opens on a vulnerability check like on the others, and closes when it passes', () =>
    withSim(async sim => {
      const failing = await scheduledRun(sim, { 'issue-on-failure': 'true', 'max-exploitable-vulnerabilities': '0' })
      assert.equal(failing.exitCode, 1)
      const [issue, ...more] = sim.github.issues
      assert.equal(more.length, 0)
      assert.match(issue?.title ?? '', /: max-exploitable-vulnerabilities$/)
      assert.equal(issue?.state, 'open')
      assert.match(issue?.body ?? '', /Exploitable vulnerabilities \(critical\)/)
      sim.defender.vulnerabilities = []
      const passing = await scheduledRun(
        sim,
        { 'issue-on-failure': 'true', 'max-exploitable-vulnerabilities': '0' },
        { env: { GITHUB_RUN_ID: '4243' } }
      )
      assert.equal(passing.exitCode, 0, passing.stdout)
      assert.equal(passing.outputs['exploitable-vulnerabilities'], '0')
      assert.equal(sim.github.issues[0]?.state, 'closed')
    }))

  it('a tenant-id line overrides the vulnerability limits for its tenant', () =>
    withSim(async sim => {
      sim.addTenant('11111111-2222-3333-4444-555555555555', 'fabrikam.onmicrosoft.com', 420, {
        vulnerabilities: [vulnerabilityItem('CVE-2025-7')]
      })
      const result = await run(sim, {
        'tenant-id': `${sim.tenantDomain} name=Contoso max-exploitable-vulnerabilities=3\n11111111-2222-3333-4444-555555555555 name=Fabrikam`,
        'max-exploitable-vulnerabilities': '0'
      })
      assert.equal(result.exitCode, 1)
      assert.equal(onlyError(result), '[Fabrikam] 1 exploitable critical vulnerability: more than max-exploitable-vulnerabilities 0.')
      assert.equal(result.outputs['failed-tenants'], 'Fabrikam')
    }))
})
