/**
 * Accepted risks, end to end: Defender's own exceptions, the accepted-risks file (what it leaves out,
 * expiry, unused entries, a file that cannot be used), where it is read from (a pull request never
 * accepts its own risk), and its text from outside kept inert.
 */
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { stringify } from 'yaml'
import { json } from '../sim/reply.js'
import { vulnerabilityItem, type Simulator } from '../sim/simulator.js'
import {
  ACTION_ENTRY,
  annotations,
  BASE_SHA,
  onlyError,
  pullRequestRun,
  reportOf,
  runSwept,
  scheduledRun,
  secretInputs,
  withSim,
  type RunOptions
} from '../support/harness.js'

const FILE = '.github/accepted-risks.yml'

/** YYYY-MM-DD `days` from today (UTC). */
function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)
}

const ACCEPTED = {
  id: 'CVE-2024-38063',
  reason: 'Kiosk image; the vendor ships a fix in March',
  owner: 'secops@contoso.com',
  expires: inDays(90)
}

/** The file on the base commit of pull request #7 (and, unless said, nowhere else). */
function onBase(sim: Simulator, entries: unknown[]): void {
  sim.github.branches.set(BASE_SHA, new Map([[FILE, Buffer.from(stringify(entries))]]))
}

async function withWorkspace<T>(files: Record<string, string>, work: (workspace: string) => Promise<T>): Promise<T> {
  const workspace = await mkdtemp(join(tmpdir(), 'secure-score-risks-'))
  try {
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(workspace, path, '..'), { recursive: true })
      await writeFile(join(workspace, path), text)
    }
    return await work(workspace)
  } finally {
    await rm(workspace, { recursive: true, force: true })
  }
}

const VULNERABILITY_LIMIT = { 'max-exploitable-vulnerabilities': '2', vulnerabilities: '10', 'accepted-risks': FILE }

function pullRequest(sim: Simulator, inputs: Record<string, string>, options: Partial<RunOptions> = {}) {
  return runSwept(sim, { ...pullRequestRun(sim), ...options, inputs: { ...secretInputs(sim), recommendations: '0', ...inputs } })
}

function microsoftRequests(sim: Simulator): number {
  return sim.requestsTo('entra').length + sim.requestsTo('api').length
}

describe("Defender's own exceptions", () => {
  it('a vulnerability UnderException is left out of the count and of new/fixed, counted apart; PartialException counts, marked; a missing or unknown status counts', () =>
    withSim(async sim => {
      sim.defender.vulnerabilities = [
        vulnerabilityItem('CVE-2024-30080', { status: 'UnderException' }),
        vulnerabilityItem('CVE-2024-21413', { status: 'PartialException' }),
        vulnerabilityItem('CVE-2024-38063', { status: undefined }),
        vulnerabilityItem('CVE-2024-43491', { status: 'SomethingNew' }),
        vulnerabilityItem('CVE-2024-49112', { status: 'underexception' })
      ]
      // The previous reading had CVE-2024-30080, then counted: under an exception now, it is neither fixed nor counted.
      const earlier = JSON.stringify({
        time: '2026-11-30T02:40:00Z',
        score: 340,
        exposure: null,
        tenant: sim.tenantId,
        apiHost: new URL(sim.apiUrl).host,
        vulnerabilities: { severity: 'critical', count: 4, ids: ['CVE-2024-30080', 'CVE-2024-21413', 'CVE-2024-38063', 'CVE-2024-43491'] }
      })
      sim.github.branches.set('secure-score-history', new Map([['history.jsonl', Buffer.from(`${earlier}\n`)]]))
      const result = await scheduledRun(sim, {
        'max-exploitable-vulnerabilities': '4',
        'max-new-exploitable-vulnerabilities': '0',
        vulnerabilities: '10',
        'history-branch': 'secure-score-history'
      })
      assert.equal(result.exitCode, 1, result.stdout)
      // CVE-2024-49112's status is not spelt as Defender spells it: it counts, and it is new.
      assert.match(onlyError(result), /^1 critical vulnerability became exploitable since the previous reading/)
      const document = reportOf(result).vulnerabilities
      assert.equal(document?.count, 4)
      assert.equal(document?.underException, 1)
      assert.deepEqual(document?.new, ['CVE-2024-49112'])
      assert.deepEqual(document?.fixed, [], 'an item under an exception is not fixed')
      assert.deepEqual(document?.items.map(item => [item.id, item.partialException]).sort(), [
        ['CVE-2024-21413', true],
        ['CVE-2024-38063', false],
        ['CVE-2024-43491', false],
        ['CVE-2024-49112', false]
      ])
      assert.match(result.summary, /^Not counted: 1 under an exception in Defender\.$/m)
      assert.match(result.summary, /CVE-2024-21413\) \(partial exception in Defender\) \|/)
    }))
})

describe('accepted-risks file', () => {
  it('an accepted vulnerability does not count toward max-exploitable-vulnerabilities; the summary and report-json say who, why, until when and which check', () =>
    withSim(async sim => {
      onBase(sim, [ACCEPTED])
      const result = await pullRequest(sim, VULNERABILITY_LIMIT)
      assert.equal(result.exitCode, 0, result.stdout)
      assert.equal(result.outputs['exploitable-vulnerabilities'], '2', 'three exploitable, one accepted')
      const report = reportOf(result)
      assert.equal(report.vulnerabilities?.accepted, 1)
      assert.deepEqual(report.accepted, [
        {
          item: 'CVE-2024-38063',
          entry: 1,
          id: 'CVE-2024-38063',
          owner: 'secops@contoso.com',
          reason: 'Kiosk image; the vendor ships a fix in March',
          expires: ACCEPTED.expires,
          leftOutOf: ['max-exploitable-vulnerabilities'],
          expired: false
        }
      ])
      assert.deepEqual(report.acceptedRisks, { from: `${FILE} on main at 1a2b3c4`, entries: 1, unused: [] })
      assert.match(result.summary, /^### Accepted risks$/m)
      assert.match(result.summary, /^From \.github\/accepted-risks\.yml on main at 1a2b3c4\.$/m)
      assert.match(
        result.summary,
        new RegExp(
          `^\\| CVE-2024-38063 \\| max-exploitable-vulnerabilities \\| secops@\u200bcontoso\\.com \\| Kiosk image; the vendor ships a fix in March \\| ${ACCEPTED.expires} \\|$`,
          'm'
        )
      )
      assert.match(result.summary, /^Not counted: 1 accepted in accepted-risks\.$/m)
    }))

  it('an accepted device group is shown but not gated by max-device-group-exposure-score; an accepted recommendation leaves the top list', () =>
    withSim(async sim => {
      sim.defender.deviceGroups = [
        { score: 80, rbacGroupName: 'Lab Kiosks' },
        { score: 20, rbacGroupName: 'Servers' }
      ]
      onBase(sim, [
        { ...ACCEPTED, id: 'device-group:lab kiosks' },
        { ...ACCEPTED, id: 'sca-2' }
      ])
      const result = await pullRequest(sim, {
        'device-groups': '*',
        'max-device-group-exposure-score': '50',
        recommendations: '5',
        'accepted-risks': FILE
      })
      assert.equal(result.exitCode, 0, result.stdout)
      const checks = reportOf(result).checks.filter(check => check.input === 'max-device-group-exposure-score')
      assert.deepEqual(
        checks.map(check => [check.subject, check.value, check.passed, check.note]),
        [
          ['Servers', 20, true, undefined],
          ['Lab Kiosks', 80, true, 'an accepted risk (accepted-risks): not gated']
        ]
      )
      assert.match(result.summary, /^\| Lab Kiosks \(accepted risk: not gated\) \| 80 \| high \|$/m)
      assert.deepEqual(
        reportOf(result).accepted?.map(item => [item.item, item.leftOutOf]),
        [
          ['sca-2', ['the top recommendations']],
          ['Lab Kiosks', ['max-device-group-exposure-score']]
        ]
      )
      assert.match(result.summary, /^1 recommendation was left out: accepted in accepted-risks\.$/m)
    }))

  it('an expired entry no longer applies: the item counts again, and the summary and a warning say "accepted by <owner> until <date>, expired"', () =>
    withSim(async sim => {
      const expires = inDays(-1)
      onBase(sim, [{ ...ACCEPTED, expires }])
      const result = await pullRequest(sim, { ...VULNERABILITY_LIMIT, 'max-exploitable-vulnerabilities': '2' })
      assert.equal(result.exitCode, 1, result.stdout)
      assert.equal(result.outputs['exploitable-vulnerabilities'], '3')
      assert.ok(
        annotations(result, 'warning').includes(
          `accepted-risks entry 1 ("CVE-2024-38063"): accepted by "secops@contoso.com" until ${expires}, expired; the item counts again. ` +
            'Fix it, renew the entry with a new date, or remove it.'
        ),
        result.stdout
      )
      assert.match(result.summary, new RegExp(`\\| ${expires}, \\*\\*expired\\*\\*: counts again \\|$`, 'm'))
      assert.equal(reportOf(result).accepted?.[0]?.expired, true)
    }))

  it('an entry that expires within accepted-risks-warn-days gives a warning naming it', () =>
    withSim(async sim => {
      onBase(sim, [{ ...ACCEPTED, expires: inDays(3) }])
      const result = await pullRequest(sim, { ...VULNERABILITY_LIMIT, 'accepted-risks-warn-days': '7' })
      assert.equal(result.exitCode, 0, result.stdout)
      assert.ok(
        annotations(result, 'warning').some(text =>
          text.startsWith(
            `accepted-risks entry 1 ("CVE-2024-38063"): accepted by "secops@contoso.com" until ${inDays(3)}, expires in 3 days`
          )
        ),
        result.stdout
      )
    }))

  it('an entry that matched nothing in this run is listed as unused, with a notice', () =>
    withSim(async sim => {
      onBase(sim, [ACCEPTED, { ...ACCEPTED, id: 'CVE-2021-44228' }])
      const result = await pullRequest(sim, VULNERABILITY_LIMIT)
      assert.equal(result.exitCode, 0, result.stdout)
      assert.deepEqual(annotations(result, 'notice'), [
        'accepted-risks entry 2 ("CVE-2021-44228") matched nothing in this run: the item is fixed, renamed or not read. Remove the entry if it is no longer needed.'
      ])
      assert.match(
        result.summary,
        /^Unused, matched nothing in this run \(remove them if no longer needed\): entries 2 \(CVE-2021-44228\)\.$/m
      )
      assert.deepEqual(reportOf(result).acceptedRisks?.unused, [{ entry: 2, id: 'CVE-2021-44228', expires: ACCEPTED.expires }])
    }))

  it('an entry with a tenant applies to that tenant only', () =>
    withSim(async sim => {
      const fabrikam = '22222222-2222-2222-2222-222222222222'
      sim.addTenant(fabrikam, 'fabrikam.onmicrosoft.com', 0, { vulnerabilities: sim.defender.vulnerabilities })
      onBase(sim, [{ ...ACCEPTED, tenant: 'Fabrikam' }])
      const result = await pullRequest(sim, {
        ...VULNERABILITY_LIMIT,
        'max-exploitable-vulnerabilities': '3',
        'tenant-id': `${sim.tenantDomain} name=Contoso\n${fabrikam} name=Fabrikam`
      })
      assert.equal(result.exitCode, 0, result.stdout)
      const counts = Object.fromEntries(reportOf(result).tenants.map(tenant => [tenant.name, tenant.vulnerabilities?.count]))
      assert.deepEqual(counts, { Contoso: 3, Fabrikam: 2 })
    }))

  it('a file that cannot be used is a configuration error naming the entry and the fix, before any request to Microsoft', () =>
    withSim(async sim => {
      onBase(sim, [ACCEPTED, { ...ACCEPTED, id: 'CVE-2024-1', owner: '' }])
      const result = await pullRequest(sim, VULNERABILITY_LIMIT)
      assert.equal(result.exitCode, 1)
      assert.equal(
        onlyError(result),
        `accepted-risks (${FILE} on main at 1a2b3c4): entry 2 ("CVE-2024-1") has no owner. Expected who accepted it (a person or a team), as text.`
      )
      assert.equal(microsoftRequests(sim), 0)
      sim.github.branches.set(BASE_SHA, new Map([[FILE, Buffer.from('- id: [unclosed\n')]]))
      assert.match(onlyError(await pullRequest(sim, VULNERABILITY_LIMIT)), /: it is not valid YAML \(line \d+, column \d+\)/)
      assert.equal(microsoftRequests(sim), 0)
    }))

  it('scores are not acceptable: an entry for min-score is a configuration error', () =>
    withSim(async sim => {
      onBase(sim, [{ ...ACCEPTED, id: 'min-score' }])
      const result = await pullRequest(sim, { 'min-score': '400', 'accepted-risks': FILE })
      assert.match(onlyError(result), /entry 1 \("min-score"\): id "min-score" names a score or a check\. Scores are not acceptable/)
      assert.equal(microsoftRequests(sim), 0)
    }))
})

describe('who may accept', () => {
  it('on pull_request events the file is read from the base commit through the contents API, never the workspace: a pull request cannot accept its own risk', () =>
    withSim(async sim => {
      onBase(sim, [])
      // The pull request adds its own acceptance to the workspace (its merge commit): it is not read.
      await withWorkspace({ [FILE]: stringify([ACCEPTED]) }, async workspace => {
        for (const name of ['pull_request', 'pull_request_target']) {
          const run = pullRequestRun(sim)
          const result = await pullRequest(sim, VULNERABILITY_LIMIT, { workspace, event: { name, payload: run.event?.payload ?? {} } })
          assert.equal(result.exitCode, 1, `${name}: ${result.stdout}`)
          assert.equal(result.outputs['exploitable-vulnerabilities'], '3')
          assert.match(result.summary, /^From \.github\/accepted-risks\.yml on main at 1a2b3c4\.$/m)
        }
      })
      const reads = sim.requestsTo('github', `/repos/octo-org/octo-repo/contents/${FILE}`)
      assert.deepEqual(
        reads.map(request => new URL(request.path, 'http://x').searchParams.get('ref')),
        [BASE_SHA, BASE_SHA]
      )
    }))

  it('on other events the file is read from the workspace when it is there, or else from the default branch through the API', () =>
    withSim(async sim => {
      await withWorkspace({ [FILE]: stringify([ACCEPTED]) }, async workspace => {
        const result = await scheduledRun(sim, VULNERABILITY_LIMIT, { workspace })
        assert.equal(result.exitCode, 0, result.stdout)
        assert.match(result.summary, /^From \.github\/accepted-risks\.yml in the workspace\.$/m)
      })
      assert.equal(sim.requestsTo('github').length, 0, 'no request to GitHub for a file in the workspace')
      sim.github.branches.get('main')?.set(FILE, Buffer.from(stringify([ACCEPTED])))
      const fromDefault = await scheduledRun(sim, VULNERABILITY_LIMIT, {
        event: { name: 'schedule', payload: { repository: { default_branch: 'main' } } }
      })
      assert.equal(fromDefault.exitCode, 0, fromDefault.stdout)
      assert.match(fromDefault.summary, /^From \.github\/accepted-risks\.yml on the default branch \\\(main\\\)\.$/m)
    }))

  it("a failure to read it from GitHub (403, 404, too large) is a configuration error with GitHub's reason", () =>
    withSim(async sim => {
      const missing = await pullRequest(sim, VULNERABILITY_LIMIT)
      assert.match(
        onlyError(missing),
        /^accepted-risks \(\.github\/accepted-risks\.yml on main at 1a2b3c4\) could not be read: GitHub's API answered GET .*contents.* with HTTP 404: No commit found for the ref 1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d\. Check the path, and that the file is committed there\. The token cannot do this: give the job 'permissions: contents: read'\.$/
      )
      onBase(sim, [ACCEPTED])
      sim.script.github.push({
        ...json(403, { message: 'Resource not accessible by integration', status: '403' }),
        path: `/repos/octo-org/octo-repo/contents/${FILE}`
      })
      assert.match(
        onlyError(await pullRequest(sim, VULNERABILITY_LIMIT)),
        /HTTP 403: Resource not accessible by integration\. The token cannot do this: give the job 'permissions: contents: read'\.$/
      )
      sim.github.branches.set(BASE_SHA, new Map([[FILE, Buffer.from(`# ${'x'.repeat(1024 * 1024)}\n`)]]))
      assert.match(
        onlyError(await pullRequest(sim, VULNERABILITY_LIMIT)),
        /the file has 1048579 bytes, more than the 1048576 \(1 MiB\) allowed/
      )
      assert.equal(microsoftRequests(sim), 0)
    }))
})

describe('text from the file', () => {
  it('is inert in every body, annotation and log line', () =>
    withSim(async sim => {
      const hostile = '@octo-org/admins ![x](https://evil.example/x.png) <img src=x> a|b\n::error::forged\r\n::add-mask::x'
      onBase(sim, [
        { ...ACCEPTED, owner: hostile, reason: hostile, expires: inDays(2) },
        { ...ACCEPTED, id: 'CVE-2021-44228', owner: hostile, reason: hostile }
      ])
      const result = await pullRequest(sim, { ...VULNERABILITY_LIMIT, 'comment-on-pr': 'true' })
      assert.equal(result.exitCode, 0, result.stdout)
      for (const line of result.stdout.split('\n')) {
        assert.doesNotMatch(line, /^::(error|add-mask)::(forged|x)/, 'no workflow command is forged')
      }
      const bodies = [result.summary, ...sim.github.comments.map(comment => comment.body)]
      for (const body of bodies) {
        assert.doesNotMatch(body, /@octo-org/, 'no mention')
        assert.doesNotMatch(body, /(?<!\\)!\[x\]/, 'no image')
        assert.doesNotMatch(body, /(?<!\\)<img/, 'no HTML')
        assert.match(body, /@\u200bocto-org\/admins/)
      }
    }))
})

describe('the YAML parser', () => {
  it('is in a chunk of its own, loaded only by runs that set accepted-risks', async () => {
    const entry = await readFile(ACTION_ENTRY, 'utf8')
    assert.doesNotMatch(entry, /Excessive alias count/, 'the YAML parser is not in dist/index.js')
    assert.match(entry, /accepted-risks/)
  })
})
