/**
 * The compliance record, end to end against the simulator's GitHub double: the history kept on a
 * branch, the tracking issue, the trend chart (parsed with Mermaid's own parser), report-json,
 * device groups, and excepted recommendations.
 */
import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { DEVICE_GROUPS_PATH } from '../../src/sources/device-groups/answers.js'
import { aadError, type Simulator } from '../sim/simulator.js'
import { mermaidBlocks, parseMermaid } from '../support/mermaid.js'
import { annotations, branchLines, onlyError, scheduledRun, withSim } from '../support/harness.js'

describe('history-branch', () => {
  it('creates the branch holding only the history, then appends one line a run; the workspace is not touched', () =>
    withSim(async sim => {
      const workspace = await mkdtemp(join(tmpdir(), 'secure-score-branch-'))
      try {
        sim.github.branches.get('main')?.set('README.md', Buffer.from('the default branch'))
        const first = await scheduledRun(sim, { 'history-branch': 'secure-score-history' }, { workspace })
        assert.equal(first.exitCode, 0, first.stdout)
        assert.deepEqual(
          [...(sim.github.branches.get('secure-score-history')?.keys() ?? [])],
          ['history.jsonl'],
          'only the history, not a copy of main'
        )
        assert.equal(first.outputs['previous-score'], '')
        sim.defender.score = { score: 330 }
        const second = await scheduledRun(sim, { 'history-branch': 'secure-score-history', 'max-drop': '5' }, { workspace })
        assert.equal(second.exitCode, 1)
        assert.match(onlyError(second), /^Device secure score fell by 10 points, more than max-drop 5/)
        assert.equal(second.outputs['previous-score'], '340')
        assert.equal(second.outputs['score-delta'], '-10')
        assert.deepEqual(
          branchLines(sim).map(line => line['score']),
          [340, 330]
        )
        assert.deepEqual(await readdir(workspace), [], 'no checkout needed, nothing written to the workspace')
        assert.match(
          sim.github.historyCommits.at(-1)?.message ?? '',
          /^Device secure score 330 at .*\n\nhttps:\/\/github\.com\/octo-org\/octo-repo\/actions\/runs\/4242$/
        )
      } finally {
        await rm(workspace, { recursive: true, force: true })
      }
    }))

  it('keeps history-file as the path on the branch, and reads a file too large to come inline (blob API)', () =>
    withSim(async sim => {
      sim.github.contentsInlineLimit = 100
      sim.github.branches.set(
        'records',
        new Map([
          [
            'secure-score/tenant.jsonl',
            Buffer.from(`${JSON.stringify({ time: '2026-11-20T06:00:00Z', score: 350, exposure: null, tenant: sim.tenantId })}\n`.repeat(3))
          ]
        ])
      )
      const result = await scheduledRun(sim, { 'history-branch': 'records', 'history-file': 'secure-score/tenant.jsonl' })
      assert.equal(result.exitCode, 0, result.stdout)
      assert.equal(result.outputs['previous-score'], '350')
      assert.equal(branchLines(sim, 'records', 'secure-score/tenant.jsonl').length, 4)
      assert.ok(sim.requestsTo('github').some(request => request.path.includes('/git/blobs/')))
    }))

  it('10 runs started at once leave 10 new lines (compare-and-swap, retried)', () =>
    withSim(async sim => {
      sim.latencyMs = 3
      const results = await Promise.all(Array.from({ length: 10 }, () => scheduledRun(sim, { 'history-branch': 'secure-score-history' })))
      for (const result of results) {
        assert.equal(result.exitCode, 0, result.stdout)
        assert.deepEqual(annotations(result, 'warning'), [])
      }
      assert.equal(branchLines(sim).length, 10)
      assert.ok(
        sim.requestsTo('github').some(request => request.status === 409 || request.status === 422),
        'the runs did race'
      )
    }))

  it('a token that cannot write warns, naming contents: write, and the gate still decides', () =>
    withSim(async sim => {
      sim.github.readOnly = true
      const result = await scheduledRun(sim, { 'history-branch': 'secure-score-history', 'min-score': '400' })
      assert.equal(result.exitCode, 1)
      assert.match(onlyError(result), /^Device secure score 340 is below the threshold min-score 400/)
      assert.match(
        annotations(result, 'warning').join('\n'),
        /history-branch: .* could not be written \(.*HTTP 403.*\); this reading is not added\. .*'permissions: contents: write'/
      )
    }))

  it('refuses a history-file that leaves the branch, before any request', () =>
    withSim(async sim => {
      const result = await scheduledRun(sim, { 'history-branch': 'secure-score-history', 'history-file': '../x.jsonl' })
      assert.equal(result.exitCode, 1)
      assert.match(onlyError(result), /^Invalid history-file '\.\.\/x\.jsonl' with history-branch: expected a path inside the branch/)
      assert.equal(sim.requests.length, 0)
    }))
})

describe('issue-on-failure', () => {
  const marker = (sim: Simulator) => `<!-- defender-secure-score-action issue tenant=${sim.tenantId} -->`

  it('opens one issue while checks fail, updates it, then comments and closes it when they pass', () =>
    withSim(async sim => {
      sim.github.issues.push({
        number: 99,
        title: 'fake',
        body: `${marker(sim)}\nby an outsider`,
        state: 'open',
        state_reason: null,
        html_url: 'https://github.com/octo-org/octo-repo/issues/99',
        user: { login: 'outsider' },
        labels: [{ name: 'defender-secure-score' }]
      })
      sim.github.nextIssueNumber = 100
      const first = await scheduledRun(sim, { 'issue-on-failure': 'true', 'min-score': '400' })
      assert.equal(first.exitCode, 1)
      const mine = () => sim.github.issues.filter(issue => issue.user.login === 'github-actions[bot]')
      assert.equal(mine().length, 1)
      assert.equal(first.outputs['issue-url'], mine()[0]?.html_url)
      assert.match(mine()[0]?.title ?? '', /^Device secure score check failing for tenant 72f988bf-86f1-41af-91ab-2d7cd011db47: min-score$/)
      assert.match(mine()[0]?.body ?? '', /Device secure score 340 is below|❌ Device secure score: 340 points/)

      sim.defender.score = { score: 350 }
      const second = await scheduledRun(sim, { 'issue-on-failure': 'true', 'min-score': '400', 'fail-on-low-score': 'false' })
      assert.equal(second.exitCode, 0, 'fail-on-low-score false: a warning, but the issue still tracks it')
      assert.equal(mine().length, 1, 'never a second issue')
      assert.match(mine()[0]?.body ?? '', /Device secure score: 350 points/)

      sim.defender.score = { score: 410 }
      const third = await scheduledRun(sim, { 'issue-on-failure': 'true', 'min-score': '400' })
      assert.equal(third.exitCode, 0, third.stdout)
      assert.equal(mine()[0]?.state, 'closed')
      const recovery = sim.github.comments.find(comment => comment.issue === mine()[0]?.number)
      assert.match(
        recovery?.body ?? '',
        /^Recovered: score 410 points at .*, every check passes \(\[run\]\(https:\/\/github\.com\/octo-org\/octo-repo\/actions\/runs\/4242\)\)\.$/
      )
      assert.equal(third.outputs['issue-url'], mine()[0]?.html_url)
      const outsider = sim.github.issues.find(issue => issue.number === 99)
      assert.deepEqual(
        [outsider?.state, outsider?.body],
        ['open', `${marker(sim)}\nby an outsider`],
        "the outsider's issue is never touched"
      )
    }))

  it('another workflow that checks less cannot close the issue: only a run that evaluated every check it was opened for, each passing', () =>
    withSim(async sim => {
      const nightly = { 'issue-on-failure': 'true', 'max-exploitable-vulnerabilities': '0' }
      const opened = await scheduledRun(sim, nightly)
      assert.equal(opened.exitCode, 1)
      const [issue] = sim.github.issues
      assert.match(
        issue?.body ?? '',
        /^<!-- defender-secure-score-action issue tenant=[^\n]*-->\n<!-- defender-secure-score-action checks: max-exploitable-vulnerabilities -->\n/
      )

      const build = await scheduledRun(sim, { 'issue-on-failure': 'true', 'min-score': '300' })
      assert.equal(build.exitCode, 0)
      assert.equal(issue?.state, 'open', 'a run that did not evaluate max-exploitable-vulnerabilities leaves it open')
      assert.equal(sim.github.comments.length, 0, 'and says no "Recovered"')
      assert.match(build.stdout, /stays open: it tracks max-exploitable-vulnerabilities, which this run did not evaluate/)

      const failingBuild = await scheduledRun(sim, { 'issue-on-failure': 'true', 'min-score': '400' })
      assert.equal(failingBuild.exitCode, 1)
      assert.match(
        issue?.body ?? '',
        /checks: max-exploitable-vulnerabilities min-score -->/,
        'a failing run adds its checks to the record'
      )

      sim.defender.vulnerabilities = []
      const nightlyPasses = await scheduledRun(sim, nightly)
      assert.equal(nightlyPasses.exitCode, 0)
      assert.equal(issue?.state, 'open', 'min-score, recorded by the build, was not evaluated by the nightly run')

      sim.defender.score = { score: 410 }
      const both = await scheduledRun(sim, { ...nightly, 'min-score': '400' })
      assert.equal(both.exitCode, 0)
      assert.equal(issue?.state, 'closed', 'a run that evaluated both, each passing, closes it')
      assert.equal(sim.github.issues.length, 1)
    }))

  it('a single tenant that cannot be read still opens its issue, sets passed false, and writes the summary, with fail-on-low-score false', () =>
    withSim(async sim => {
      sim.script.entra.push(aadError(401, 'invalid_client', 7000222, 'The provided client secret keys for app are expired.'))
      const result = await scheduledRun(sim, { 'issue-on-failure': 'true', 'fail-on-low-score': 'false', 'min-score': '300' })
      assert.equal(result.exitCode, 0, 'fail-on-low-score false: a warning')
      assert.match(annotations(result, 'warning').join('\n'), /AADSTS7000222/)
      assert.equal(result.outputs['passed'], 'false')
      assert.equal(result.outputs['failed-tenants'], sim.tenantId)
      assert.match(result.summary, /could not be read/)
      assert.equal(sim.github.issues.length, 1)
      assert.match(sim.github.issues[0]?.title ?? '', /could not be read$/)
      assert.equal(result.outputs['issue-url'], sim.github.issues[0]?.html_url)
    }))

  it('finds its open issue after its label was deleted, puts the label back, and opens no second one', () =>
    withSim(async sim => {
      const first = await scheduledRun(sim, { 'issue-on-failure': 'true', 'min-score': '400' })
      assert.equal(first.exitCode, 1)
      const [issue] = sim.github.issues
      assert.ok(issue)
      issue.labels = []
      sim.github.labels.clear()
      const second = await scheduledRun(sim, { 'issue-on-failure': 'true', 'min-score': '400' })
      assert.equal(second.exitCode, 1)
      assert.equal(sim.github.issues.length, 1, 'no second issue')
      assert.deepEqual(
        issue.labels.map(label => label.name),
        ['defender-secure-score']
      )
      assert.equal(second.outputs['issue-url'], issue.html_url)
      const listings = sim.requestsTo('github', '/repos/octo-org/octo-repo/issues').filter(request => request.method === 'GET')
      assert.ok(listings.length <= 2 + 3, `a bounded number of listings, ${listings.length}`)
    }))

  it('does nothing while every check passes, and warns naming issues: write when it cannot write', () =>
    withSim(async sim => {
      const passing = await scheduledRun(sim, { 'issue-on-failure': 'true', 'min-score': '300' })
      assert.equal(passing.exitCode, 0)
      assert.equal(sim.github.issues.length, 0)
      assert.equal(passing.outputs['issue-url'], '')
      sim.github.readOnly = true
      const failing = await scheduledRun(sim, { 'issue-on-failure': 'true', 'min-score': '400' })
      assert.equal(failing.exitCode, 1)
      assert.match(onlyError(failing), /below the threshold min-score 400/)
      assert.match(annotations(failing, 'warning').join('\n'), /issue-on-failure: .*HTTP 403.*'permissions: issues: write'/)
    }))
})

describe('trend chart', () => {
  it('draws the score and the threshold as a Mermaid xychart that Mermaid parses, from the second reading on', () =>
    withSim(async sim => {
      const first = await scheduledRun(sim, { 'history-branch': 'secure-score-history', 'min-score': '300' })
      assert.deepEqual(mermaidBlocks(first.summary), [], 'no chart from one reading')
      sim.defender.score = { score: 355.5 }
      const second = await scheduledRun(sim, { 'history-branch': 'secure-score-history', 'min-score': '300' })
      const [chart] = mermaidBlocks(second.summary)
      assert.ok(chart, second.summary)
      assert.equal(await parseMermaid(chart), 'xychart')
      assert.match(chart, /^---\nconfig:\n[\s\S]*?\n---\nxychart-beta\n/, 'front matter with the colours, then the chart')
      assert.match(chart, /line \[340, 355\.5\]\n {2}line \[300, 300\]$/)
    }))
})

describe('report-json', () => {
  it('describes the run in one JSON document with a schema version', () =>
    withSim(async sim => {
      const result = await scheduledRun(sim, {
        'min-score': '300',
        'include-exposure-score': 'true',
        recommendations: '2',
        'device-groups': 'GroupOne',
        'history-branch': 'secure-score-history'
      })
      assert.equal(result.exitCode, 0, result.stdout)
      const report = JSON.parse(result.outputs['report-json'] ?? '') as Record<string, unknown>
      assert.doesNotMatch(result.outputs['report-json'] ?? '', /\n/)
      assert.equal(report['schemaVersion'], 1)
      assert.equal(report['score'], 340)
      assert.equal(report['passed'], true)
      assert.deepEqual(report['checks'], [{ input: 'min-score', limit: 300, value: 340, passed: true }])
      assert.equal(report['exposureScore'], 42)
      assert.equal(report['previousScore'], null)
      assert.equal(report['scoreDelta'], null)
      assert.equal((report['recommendations'] as unknown[]).length, 2)
      assert.deepEqual(report['deviceGroups'], [{ name: 'GroupOne', exposureScore: 41.38041766305988, exposureLevel: 'medium' }])
      assert.equal(report['tenant'], sim.tenantId)
      assert.equal(report['apiHost'], new URL(sim.apiUrl).host)
      assert.match(String(report['time']), /^\d{4}-\d{2}-\d{2}T/)
    }))
})

describe('device groups', () => {
  it('shows every group with *, read alongside the score', () =>
    withSim(async sim => {
      // Each answer takes 400 ms: the groups' request, sent with the score's, arrives long before the score is answered.
      sim.latencyMs = 400
      const result = await scheduledRun(sim, { 'device-groups': '*' })
      assert.equal(result.exitCode, 0, result.stdout)
      assert.match(
        result.summary,
        /### Exposure score by device group\n\n\| Device group \| Exposure score \| Level \|\n\|---\|---\|---\|\n\| GroupOne \| 41\.38 \| medium \|\n\| Kiosks \| 72\.5 \| high \|\n\| Servers \| 12 \| low \|/
      )
      const [score, groups] = [sim.requestsTo('api', '/api/configurationScore')[0], sim.requestsTo('api', DEVICE_GROUPS_PATH)[0]]
      assert.ok(score && groups && groups.receivedAt < score.answeredAt, 'requested alongside the score, not after it')
    }))

  it('fails a group above max-device-group-exposure-score, naming it; a selected name the API does not list cannot be evaluated, so fails', () =>
    withSim(async sim => {
      const result = await scheduledRun(sim, { 'device-groups': 'GroupOne, kiosks\nNowhere', 'max-device-group-exposure-score': '50' })
      assert.equal(result.exitCode, 1)
      assert.equal(
        onlyError(result),
        'Device group "Kiosks": exposure score 72.5 (high) is above the threshold max-device-group-exposure-score 50 (lower is better).\n' +
          'Device group "Nowhere" (max-device-group-exposure-score) could not be evaluated: the API does not list this group ' +
          '(renamed, deleted, or misspelt in device-groups); it lists "GroupOne", "Kiosks", "Servers".'
      )
      assert.match(
        result.summary,
        /\| Device group exposure: GroupOne \(`max-device-group-exposure-score`\) \| at most 50 \| 41\.38 \| ✅ passed \|/
      )
      assert.match(
        result.summary,
        /\| Device group exposure: Nowhere \(`max-device-group-exposure-score`\) \| at most 50 \| could not be evaluated: /
      )
      const report = JSON.parse(result.outputs['report-json'] ?? '{}') as { checks: Array<Record<string, unknown>> }
      assert.deepEqual(
        report.checks.find(check => check['subject'] === 'Nowhere'),
        {
          input: 'max-device-group-exposure-score',
          subject: 'Nowhere',
          limit: 50,
          value: null,
          passed: false,
          reason:
            'could not be evaluated: the API does not list this group (renamed, deleted, or misspelt in device-groups); it lists "GroupOne", "Kiosks", "Servers"'
        }
      )
    }))

  it('group names: without a limit, a name the API does not list only warns', () =>
    withSim(async sim => {
      const result = await scheduledRun(sim, { 'device-groups': 'GroupOne\nNowhere' })
      assert.equal(result.exitCode, 0, result.stdout)
      assert.match(
        annotations(result, 'warning').join('\n'),
        /^device-groups names 'Nowhere', which the API does not list; it lists 'GroupOne', 'Kiosks', 'Servers'\./m
      )
    }))

  it('group names match after Unicode normalisation (NFC) and case folding, so a renamed group cannot pass', () =>
    withSim(async sim => {
      sim.defender.deviceGroups = [
        { score: 80, rbacGroupName: 'Caf\u00e9 Kiosks' },
        { score: 75, rbacGroupName: 'Stra\u00dfe' }
      ]
      const decomposed = await scheduledRun(sim, {
        'device-groups': 'CAFE\u0301 KIOSKS\nSTRASSE',
        'max-device-group-exposure-score': '50',
        'fail-on-low-score': 'false'
      })
      assert.equal(decomposed.exitCode, 0, decomposed.stdout)
      const report = JSON.parse(decomposed.outputs['report-json'] ?? '{}') as { checks: Array<Record<string, unknown>> }
      assert.deepEqual(
        report.checks.map(check => [check['subject'], check['value'], check['passed']]),
        [
          ['Caf\u00e9 Kiosks', 80, false],
          ['Stra\u00dfe', 75, false]
        ],
        'both groups are found and checked, not reported as unknown'
      )
      sim.defender.deviceGroups = [{ score: 10, rbacGroupName: 'Caf\u00e9 Kiosks (renamed)' }]
      const renamed = await scheduledRun(sim, { 'device-groups': 'Caf\u00e9 Kiosks', 'max-device-group-exposure-score': '50' })
      assert.equal(renamed.exitCode, 1)
      assert.match(onlyError(renamed), /^Device group "Café Kiosks" \(max-device-group-exposure-score\) could not be evaluated/)
    }))

  it('fails the run when a check needs the groups and they cannot be read; only warns otherwise', () =>
    withSim(async sim => {
      sim.script.api.push({ status: 500, body: '', path: DEVICE_GROUPS_PATH }, { status: 500, body: '', path: DEVICE_GROUPS_PATH })
      const checked = await scheduledRun(sim, { 'max-device-group-exposure-score': '50', 'max-retries': '0' })
      assert.equal(checked.exitCode, 1)
      assert.match(onlyError(checked), /refused GET \/api\/exposureScore\/ByMachineGroups \(HTTP 500/)
      const shown = await scheduledRun(sim, { 'device-groups': '*', 'max-retries': '0' })
      assert.equal(shown.exitCode, 0, shown.stdout)
      assert.match(
        annotations(shown, 'warning').join('\n'),
        /^Device groups skipped: The Defender API refused GET \/api\/exposureScore\/ByMachineGroups/m
      )
    }))
})

describe('excepted recommendations', () => {
  it('leaves out what the security team excepted, and says how many', () =>
    withSim(async sim => {
      const result = await scheduledRun(sim, { recommendations: '5' })
      assert.equal(result.exitCode, 0, result.stdout)
      assert.doesNotMatch(result.summary, /Disable SMBv1 on the legacy scanner/)
      assert.match(result.summary, /### Top 4 recommendations by score impact/)
      assert.match(result.summary, /1 recommendation was left out: the security team granted an exception\./)
    }))
})
