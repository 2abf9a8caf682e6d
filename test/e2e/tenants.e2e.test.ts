/**
 * Many tenants in one run (one multi-tenant app consented in each), end to end: each tenant's
 * sign-in and reading, the failures of one tenant kept to its row, the outputs, the summary, the
 * history in one commit, an issue per failing tenant, badges, and the bound on tenants read at once.
 */
import assert from 'node:assert/strict'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { MAX_REQUESTS_IN_FLIGHT, tenantsAtOnce } from '../../src/tenants/read.js'
import { SCORE_PATH } from '../../src/sources/score/source.js'
import type { Simulator } from '../sim/simulator.js'
import { createAppCertificate, keyLines } from '../sim/pki.js'
import {
  annotations,
  branchLines,
  oidcRun,
  onlyError,
  runSwept,
  scheduledRun,
  secretInputs,
  withSim,
  type ActionRun
} from '../support/harness.js'

const FABRIKAM = '11111111-2222-3333-4444-555555555555'
const NORTHWIND = '22222222-3333-4444-5555-666666666666'

/** Three tenants: Contoso (the simulator's own, 340), Fabrikam (420) and Northwind (300). */
function threeTenants(sim: Simulator): string {
  sim.addTenant(FABRIKAM, 'fabrikam.onmicrosoft.com', 420)
  sim.addTenant(NORTHWIND, 'northwind.onmicrosoft.com', 300)
  return [`${sim.tenantDomain} name="Contoso Ltd" min-score=330`, `${FABRIKAM} name=Fabrikam`, `${NORTHWIND} name=Northwind`].join('\n')
}

function reportOf(result: ActionRun): { tenants: Array<Record<string, unknown>> } & Record<string, unknown> {
  return JSON.parse(result.outputs['report-json'] ?? '{}') as { tenants: Array<Record<string, unknown>> } & Record<string, unknown>
}

describe('many tenants', () => {
  it('reads every tenant with its own limits; outputs, report-json and the summary cover them all, worst first', () =>
    withSim(async sim => {
      const result = await runSwept(sim, { inputs: { ...secretInputs(sim), 'tenant-id': threeTenants(sim), 'min-score': '350' } })
      assert.equal(result.exitCode, 1)
      assert.equal(onlyError(result), '[Northwind] Device secure score 300 is below the threshold min-score 350 (short by 50 points).')
      assert.equal(result.outputs['passed'], 'false')
      assert.equal(result.outputs['score'], '300', 'the lowest score among the tenants')
      assert.equal(result.outputs['failed-tenants'], 'Northwind')
      const report = reportOf(result)
      assert.deepEqual(
        report.tenants.map(tenant => [tenant['tenant'], tenant['name'], tenant['score'], tenant['passed']]),
        [
          [sim.tenantDomain, 'Contoso Ltd', 340, true],
          [FABRIKAM, 'Fabrikam', 420, true],
          [NORTHWIND, 'Northwind', 300, false]
        ]
      )
      assert.deepEqual(
        report.tenants[0]?.['checks'],
        [{ input: 'min-score', limit: 330, value: 340, passed: true }],
        "the line's min-score wins"
      )
      assert.equal(report['passed'], false)
      assert.equal(report['score'], 300)
      assert.match(result.summary, /^## ❌ Device secure score: 2 of 3 tenants pass$/m)
      const rows = result.summary.split('\n').filter(line => /^\| (Northwind|Contoso Ltd|Fabrikam) \|/.test(line))
      assert.deepEqual(
        rows.map(row => row.split('|')[1]?.trim()),
        ['Northwind', 'Contoso Ltd', 'Fabrikam'],
        'worst first'
      )
      assert.match(rows[0] ?? '', /\| Northwind \| 300 \| {2}\| {2}\| ❌ failed: 300 < 350 \(min-score\) \|/)
      assert.equal((result.summary.match(/<details>/g) ?? []).length, 3)
      for (const label of ['Contoso Ltd', 'Fabrikam', 'Northwind']) {
        assert.match(result.stdout, new RegExp(`^\\[${label}\\] Signing in: client secret of app`, 'm'), 'each log line names its tenant')
      }
    }))

  it('a tenant that cannot be read gets its row with a short reason (the whole message in its details); the others are still read; the run fails', () =>
    withSim(async sim => {
      const tenants = threeTenants(sim)
      sim.entra.tenants.get(FABRIKAM)!.consented = false
      sim.entra.tenants.get(NORTHWIND)!.roles = ['SecurityRecommendation.Read.All']
      const result = await runSwept(sim, { inputs: { ...secretInputs(sim), 'tenant-id': tenants, 'fail-on-low-score': 'false' } })
      assert.equal(result.exitCode, 0, 'fail-on-low-score false: a warning')
      assert.equal(result.outputs['passed'], 'false', 'a tenant that could not be checked is not a pass')
      assert.equal(result.outputs['score'], '340')
      assert.equal(result.outputs['failed-tenants'], 'Fabrikam\nNorthwind')
      const warning = annotations(result, 'warning').join('\n')
      assert.match(warning, /\[Fabrikam\] could not be read: Entra ID refused the token request \(HTTP 400, AADSTS700016/)
      assert.match(
        warning,
        /\[Northwind\] could not be read: The Defender API refused GET \/api\/configurationScore \(HTTP 403.*Score\.Read\.All/
      )
      const fabrikam = reportOf(result).tenants.find(tenant => tenant['name'] === 'Fabrikam')
      assert.equal(fabrikam?.['passed'], false)
      assert.equal(fabrikam?.['score'], null)
      assert.match(String(fabrikam?.['error']), /AADSTS700016/)
      assert.match(result.summary, /^\| Fabrikam \| \| \| \| ❌ not read: no consent in this tenant \\\(AADSTS700016\\\) \|$/m)
      assert.match(result.summary, /^\| Northwind \| \| \| \| ❌ not read: no Score\.Read\.All \\\(403\\\) \|$/m)
      assert.match(
        result.summary,
        /<summary>Fabrikam<\/summary>\n\nCould not be read: Entra ID refused the token request \\\(HTTP 400, AADSTS700016/
      )
    }))

  it('keeps history per tenant, all of a run in one commit; max-drop and previous-score per tenant', () =>
    withSim(async sim => {
      const tenants = threeTenants(sim)
      const first = await scheduledRun(sim, { 'tenant-id': tenants, 'history-branch': 'secure-score-history' })
      assert.equal(first.exitCode, 0, first.stdout)
      assert.equal(sim.github.historyCommits.length, 1)
      assert.deepEqual(
        branchLines(sim).map(line => [line['tenant'], line['score']]),
        [
          [sim.tenantDomain, 340],
          [FABRIKAM, 420],
          [NORTHWIND, 300]
        ]
      )
      sim.defender.tenants.get(FABRIKAM)!.score = { score: 380 }
      const second = await scheduledRun(sim, { 'tenant-id': tenants, 'history-branch': 'secure-score-history', 'max-drop': '10' })
      assert.equal(second.exitCode, 1)
      assert.match(onlyError(second), /^\[Fabrikam\] Device secure score fell by 40 points, more than max-drop 10: from 420/)
      assert.equal(sim.github.historyCommits.length, 2, 'one commit per run, not one per tenant')
      assert.equal(branchLines(sim).length, 6)
      const fabrikam = reportOf(second).tenants.find(tenant => tenant['name'] === 'Fabrikam')
      assert.equal(fabrikam?.['previousScore'], 420)
      assert.equal(fabrikam?.['scoreDelta'], -40)
    }))

  it('opens one issue per failing tenant, and a recovery closes only its own', () =>
    withSim(async sim => {
      const tenants = threeTenants(sim)
      sim.defender.score = { score: 320 }
      const failing = await scheduledRun(sim, { 'tenant-id': tenants, 'issue-on-failure': 'true', 'min-score': '400' })
      assert.equal(failing.exitCode, 1)
      const open = () => sim.github.issues.filter(issue => issue.state === 'open').map(issue => issue.title)
      assert.deepEqual(open().sort(), [
        `Device secure score check failing for tenant Contoso Ltd (${sim.tenantDomain}): min-score`,
        `Device secure score check failing for tenant Northwind (${NORTHWIND}): min-score`
      ])
      sim.defender.tenants.get(NORTHWIND)!.score = { score: 410 }
      const partly = await scheduledRun(sim, { 'tenant-id': tenants, 'issue-on-failure': 'true', 'min-score': '400' })
      assert.equal(partly.exitCode, 1)
      assert.deepEqual(open(), [`Device secure score check failing for tenant Contoso Ltd (${sim.tenantDomain}): min-score`])
      assert.equal(sim.github.issues.length, 2, 'never a second issue for a tenant')
    }))

  it('writes one badge per tenant with {tenant}, or one that says how many pass', () =>
    withSim(async sim => {
      const workspace = await mkdtemp(join(tmpdir(), 'secure-score-tenants-'))
      try {
        const tenants = threeTenants(sim)
        const each = await runSwept(sim, {
          workspace,
          inputs: { ...secretInputs(sim), 'tenant-id': tenants, 'min-score': '320', 'badge-file': 'badges/{tenant}.svg' }
        })
        assert.equal(each.exitCode, 1)
        assert.deepEqual((await readdir(join(workspace, 'badges'))).sort(), ['Contoso-Ltd.svg', 'Fabrikam.svg', 'Northwind.svg'])
        assert.match(await readFile(join(workspace, 'badges', 'Northwind.svg'), 'utf8'), /device secure score: 300/)
        const one = await runSwept(sim, {
          workspace,
          inputs: { ...secretInputs(sim), 'tenant-id': tenants, 'min-score': '320', 'badge-file': 'badge.svg' }
        })
        assert.match(await readFile(join(workspace, 'badge.svg'), 'utf8'), /device secure score: 2\/3 pass/)
        assert.equal(JSON.parse(one.outputs['badge-json'] ?? '{}').message, '2/3 pass')
      } finally {
        await rm(workspace, { recursive: true, force: true })
      }
    }))

  it('signs in to every tenant with the one app: the job’s ID token is fetched once for all (OIDC)', () =>
    withSim(async sim => {
      const tenants = threeTenants(sim)
      const options = oidcRun(sim)
      const result = await runSwept(sim, { ...options, inputs: { ...options.inputs, 'tenant-id': tenants } })
      assert.equal(result.exitCode, 0, result.stdout)
      assert.equal(sim.requestsTo('oidc').length, 1)
      assert.deepEqual(
        sim
          .requestsTo('entra')
          .map(request => request.path.split('/')[1])
          .sort(),
        [FABRIKAM, NORTHWIND, sim.tenantDomain].sort()
      )
    }))

  it(`reads as many tenants at once as ${MAX_REQUESTS_IN_FLIGHT} requests in flight allow, and never more requests`, () =>
    withSim(async sim => {
      sim.latencyMs = 20
      const ids = Array.from({ length: 100 }, (_, index) => `00000000-0000-0000-0000-${String(index).padStart(12, '0')}`)
      for (const id of ids) sim.addTenant(id, `t${id.slice(-4)}.example.com`, 300)
      const result = await runSwept(sim, { inputs: { ...secretInputs(sim), 'tenant-id': ids.join(','), recommendations: '0' } })
      assert.equal(result.exitCode, 0, result.stdout)
      const mostAtOnce = (requests: typeof sim.requests) =>
        Math.max(
          ...requests.map(
            request => requests.filter(other => other.receivedAt <= request.receivedAt && other.answeredAt > request.receivedAt).length
          )
        )
      const signIns = sim.requestsTo('entra')
      assert.equal(signIns.length, 100)
      assert.ok(mostAtOnce(signIns) <= tenantsAtOnce(1), `${mostAtOnce(signIns)} sign-ins at once`)
      assert.ok(mostAtOnce(signIns) > 10, `more than the 10 tenants at once of before: ${mostAtOnce(signIns)}`)
      const all = [...signIns, ...sim.requestsTo('api')]
      assert.ok(mostAtOnce(all) <= MAX_REQUESTS_IN_FLIGHT, `${mostAtOnce(all)} requests at once`)
      assert.equal(sim.requestsTo('api', SCORE_PATH).length, 100)
    }))

  it('refuses a bad line before any request, naming the line; a token with several tenants is refused', () =>
    withSim(async sim => {
      const cases: Array<[string, Record<string, string>, RegExp]> = [
        [
          'unknown key',
          { 'tenant-id': `${sim.tenantDomain}\n${FABRIKAM} colour=blue` },
          /^Invalid tenant-id line 2 '11111111-2222-3333-4444-555555555555 colour=blue': unknown setting 'colour'/
        ],
        [
          'bad value',
          { 'tenant-id': `${sim.tenantDomain} min-score=lots\n${FABRIKAM}` },
          /^Invalid tenant-id line 1 'contoso\.onmicrosoft\.com min-score=lots': Invalid min-score 'lots'/
        ],
        [
          'a token for several',
          { 'tenant-id': `${sim.tenantDomain}, ${FABRIKAM}`, 'access-token': 'PLANTED-token-x' },
          /^tenant-id lists 2 tenants, but auth-method 'token'/
        ]
      ]
      for (const [name, inputs, error] of cases) {
        const result = await runSwept(sim, { inputs: { ...secretInputs(sim), ...inputs } })
        assert.equal(result.exitCode, 1, name)
        assert.match(onlyError(result), error, name)
      }
      assert.equal(sim.requests.length, 0)
    }))

  it('refuses an empty limit in a tenant-id line (min-score= with min-score 400), before any request', () =>
    withSim(async sim => {
      sim.addTenant(FABRIKAM, 'fabrikam.onmicrosoft.com', 100)
      for (const line of [`${FABRIKAM} min-score=`, `${FABRIKAM} min-score=""`]) {
        const result = await runSwept(sim, {
          inputs: { ...secretInputs(sim), 'tenant-id': `${line}\n${sim.tenantDomain}`, 'min-score': '400' }
        })
        assert.equal(result.exitCode, 1)
        assert.match(
          onlyError(result),
          /^Invalid tenant-id line 1 .*: min-score is empty, which would switch the check off for this tenant/
        )
      }
      assert.equal(sim.requests.length, 0)
    }))
})

describe('many tenants: fail closed', () => {
  it('a tenant that cannot be read keeps its tracking issue open in a multi-tenant run (never "Recovered")', () =>
    withSim(async sim => {
      const tenants = threeTenants(sim)
      sim.entra.tenants.get(FABRIKAM)!.consented = false
      const inputs = { 'tenant-id': tenants, 'issue-on-failure': 'true', 'min-score': '200' }
      const first = await scheduledRun(sim, inputs)
      assert.equal(first.exitCode, 1)
      const issue = sim.github.issues.find(candidate => candidate.title.includes(FABRIKAM))
      assert.match(issue?.title ?? '', /could not be read$/)
      assert.match(issue?.body ?? '', /checks: min-score -->/)
      const second = await scheduledRun(sim, inputs)
      assert.equal(second.exitCode, 1)
      assert.equal(issue?.state, 'open')
      assert.equal(sim.github.comments.filter(comment => comment.issue === issue?.number).length, 0, 'no recovery comment')
      assert.equal(sim.github.issues.length, 1)
    }))

  it('opens at most 20 tracking issues a run and says where the rest are; the log gives at most 20 check messages for the whole run', () =>
    withSim(async sim => {
      const ids = Array.from({ length: 25 }, (_, index) => `00000000-0000-0000-0000-${String(index).padStart(12, '0')}`)
      for (const id of ids) sim.addTenant(id, `t${id.slice(-4)}.example.com`, 300)
      const result = await scheduledRun(sim, { 'tenant-id': ids.join(','), 'issue-on-failure': 'true', 'min-score': '400' })
      assert.equal(result.exitCode, 1)
      assert.equal(sim.github.issues.length, 20)
      assert.match(annotations(result, 'warning').join('\n'), /issue-on-failure: 5 more failing tenant\(s\) have no tracking issue yet/)
      const lines = onlyError(result).split('\n')
      assert.equal(lines.length, 21)
      assert.equal(lines.at(-1), 'And 5 more (the job summary and report-json list them).')
      const again = await scheduledRun(sim, { 'tenant-id': ids.join(','), 'issue-on-failure': 'true', 'min-score': '400' })
      assert.equal(again.exitCode, 1)
      assert.equal(sim.github.issues.length, 25, 'the next run opens the rest')
    }))

  it('signs in to two tenants with a certificate: one assertion each, for its own token endpoint', () =>
    withSim(async sim => {
      const pair = await createAppCertificate()
      sim.entra.app.certificates.push(pair.certificatePem)
      sim.addTenant(FABRIKAM, 'fabrikam.onmicrosoft.com', 420)
      const result = await runSwept(
        sim,
        {
          inputs: {
            ...secretInputs(sim),
            'client-secret': '',
            'client-certificate': pair.keyPem + pair.certificatePem,
            'tenant-id': `${sim.tenantId}\n${FABRIKAM}`
          }
        },
        keyLines(pair)
      )
      assert.equal(result.exitCode, 0, result.stdout)
      const assertions = sim.requestsTo('entra').map(request => request.form['client_assertion'])
      assert.equal(new Set(assertions).size, 2)
      assert.equal(reportOf(result).tenants.filter(tenant => tenant['passed'] === true).length, 2)
    }))

  it("refuses a token Entra issues in another tenant's name (its tid claim): that tenant is not read", () =>
    withSim(async sim => {
      const tenants = threeTenants(sim)
      sim.entra.misissuedTenants.set(FABRIKAM, NORTHWIND)
      const result = await runSwept(sim, { inputs: { ...secretInputs(sim), 'tenant-id': tenants } })
      assert.equal(result.exitCode, 1)
      assert.match(
        onlyError(result),
        new RegExp(`\\[Fabrikam\\] could not be read: Entra ID issued a token for tenant "${NORTHWIND}", not for ${FABRIKAM}`)
      )
      assert.equal(reportOf(result).tenants.find(tenant => tenant['name'] === 'Fabrikam')?.['score'], null)
    }))

  it('refuses an access-token issued for another tenant than tenant-id, before reading', () =>
    withSim(async sim => {
      sim.addTenant(FABRIKAM, 'fabrikam.onmicrosoft.com', 100)
      const token = sim.issueAccessToken(sim.entra.app.roles, undefined, FABRIKAM)
      const result = await runSwept(sim, { inputs: { 'access-token': token, 'tenant-id': sim.tenantId, 'api-url': sim.apiUrl } })
      assert.equal(result.exitCode, 1)
      assert.match(
        onlyError(result),
        new RegExp(`^access-token was issued for tenant ${FABRIKAM} \\(its tid claim\\), not for tenant-id ${sim.tenantId}`)
      )
      assert.equal(sim.requestsTo('api').length, 0)
    }))

  it('fetches a new OIDC ID token when the one held is within 60 s of its exp, so later tenants still sign in', () =>
    withSim(async sim => {
      // More tenants than are read at once: the later ones sign in after the first ID token was held.
      const ids = Array.from({ length: tenantsAtOnce(2) + 2 }, (_, index) => `00000000-0000-0000-0000-${String(index).padStart(12, '0')}`)
      for (const id of ids) sim.addTenant(id, `t${id.slice(-4)}.example.com`, 300)
      sim.oidc.claims = { ...sim.oidc.claims, exp: Math.floor(Date.now() / 1000) + 45 }
      const options = oidcRun(sim)
      const result = await runSwept(sim, { ...options, inputs: { ...options.inputs, 'tenant-id': ids.join(',') } })
      assert.equal(result.exitCode, 0, result.stdout)
      const asked = sim.requestsTo('oidc').length
      assert.ok(asked >= 2, `a token within 60 s of its exp is not presented again: ${asked} ID token request(s)`)

      sim.oidc.claims = { ...sim.oidc.claims, exp: Math.floor(Date.now() / 1000) + 600 }
      const fresh = await runSwept(sim, { ...options, inputs: { ...options.inputs, 'tenant-id': ids.join(',') } })
      assert.equal(fresh.exitCode, 0)
      assert.equal(sim.requestsTo('oidc').length, asked + 1, 'a fresh one serves every tenant')
    }))

  it('keys the history by the directory ID: a history written under the domain is found when the line gives the GUID, so max-drop compares', () =>
    withSim(async sim => {
      sim.defender.score = { score: 500 }
      const first = await scheduledRun(sim, { 'tenant-id': sim.tenantDomain, 'history-branch': 'secure-score-history' })
      assert.equal(first.exitCode, 0)
      sim.defender.score = { score: 100 }
      const second = await scheduledRun(sim, { 'tenant-id': sim.tenantId, 'history-branch': 'secure-score-history', 'max-drop': '10' })
      assert.equal(second.exitCode, 1)
      assert.match(onlyError(second), /^Device secure score fell by 400 points, more than max-drop 10/)
      assert.deepEqual(
        branchLines(sim).map(line => line['directory']),
        [sim.tenantId, sim.tenantId]
      )
    }))

  it('refuses a domain line and a GUID line of the same directory as listed twice', () =>
    withSim(async sim => {
      const result = await runSwept(sim, {
        inputs: { ...secretInputs(sim), 'tenant-id': `${sim.tenantDomain}\n${sim.tenantId} name=Again` }
      })
      assert.equal(result.exitCode, 1)
      assert.match(
        onlyError(result),
        new RegExp(`^tenant-id lists the directory ${sim.tenantId} twice: '${sim.tenantDomain}' and '${sim.tenantId}'`)
      )
    }))
})
