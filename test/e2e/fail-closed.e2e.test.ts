/**
 * Fail closed: a check that was asked for and cannot be evaluated fails, and every body fits where it
 * goes. Each test is one way the evidence can go missing or be too large, tried as an attacker or an
 * unlucky operator would, against the bundled action and the simulator's GitHub double.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { json, type Simulator } from '../sim/simulator.js'
import { annotations, onlyError, pullRequestRun, runSwept, scheduledRun, secretInputs, withSim } from '../support/harness.js'

import { assertUnevaluatedDrop, BRANCH, fallenRun, HISTORY, reading, seedBranch } from '../support/fail-closed.js'

describe('fail closed: max-drop without history', () => {
  const causes: Array<[string, (sim: Simulator) => void, RegExp]> = [
    ['a 502 after the retries', sim => sim.script.github.push({ ...json(502, { message: 'Bad gateway' }), path: HISTORY }), /HTTP 502/],
    [
      'the path turned into a folder',
      sim => sim.script.github.push({ ...json(200, [{ type: 'file', name: 'a.jsonl', path: 'history.jsonl/a.jsonl' }]), path: HISTORY }),
      /history\.jsonl on branch secure-score-history is a folder, not a file\.$/
    ],
    [
      'a symbolic link answer',
      sim =>
        sim.script.github.push({
          ...json(200, { type: 'symlink', target: '../etc/passwd', size: 13, sha: 'a'.repeat(40), path: 'history.jsonl' }),
          path: HISTORY
        }),
      /history\.jsonl on branch secure-score-history is a symbolic link, not a file \(the action does not follow links\)\.$/
    ],
    [
      'a submodule answer',
      sim =>
        sim.script.github.push({
          ...json(200, {
            type: 'submodule',
            submodule_git_url: 'https://github.com/o/r.git',
            size: 0,
            sha: 'b'.repeat(40),
            path: 'history.jsonl'
          }),
          path: HISTORY
        }),
      /history\.jsonl on branch secure-score-history is a submodule, not a file\.$/
    ]
  ]
  for (const [cause, arrange, reason] of causes) {
    it(`${cause}: max-drop could not be evaluated, fails, and the failure says why`, () =>
      withSim(async sim => {
        seedBranch(sim)
        arrange(sim)
        assertUnevaluatedDrop(await fallenRun(sim), reason)
      }))
  }

  it("GitHub's rate limit (403) is named as a rate limit, not as a missing permission", () =>
    withSim(async sim => {
      seedBranch(sim)
      sim.script.github.push({
        ...json(403, { message: 'API rate limit exceeded for installation ID 42.' }, { 'x-ratelimit-remaining': '0' }),
        path: HISTORY
      })
      const result = await fallenRun(sim)
      assertUnevaluatedDrop(result, /HTTP 403: API rate limit exceeded/)
      const warnings = annotations(result, 'warning').join('\n')
      assert.match(warnings, /GitHub's API rate limit for this token is spent/)
      assert.doesNotMatch(warnings, /permissions: contents: write/)
    }))

  it('a history-file that is a symbolic link: max-drop could not be evaluated', () =>
    withSim(async sim => {
      const workspace = await mkdtemp(join(tmpdir(), 'secure-score-closed-'))
      try {
        await writeFile(join(workspace, 'elsewhere.jsonl'), reading(sim, 100, '2026-11-20T06:00:00Z'))
        await symlink(join(workspace, 'elsewhere.jsonl'), join(workspace, 'history.jsonl'))
        const result = await runSwept(sim, {
          workspace,
          inputs: { ...secretInputs(sim), 'history-file': 'history.jsonl', 'max-drop': '15' }
        })
        assert.equal(result.exitCode, 1)
        assert.match(
          onlyError(result),
          /^Device secure score change \(max-drop\) could not be evaluated: history-file could not be read \(.*symbolic link/
        )
      } finally {
        await rm(workspace, { recursive: true, force: true })
      }
    }))

  it('with fail-on-low-score false it is a warning, and the open tracking issue stays open (never "Recovered")', () =>
    withSim(async sim => {
      seedBranch(sim)
      const failing = await scheduledRun(sim, { 'issue-on-failure': 'true', 'min-score': '500' })
      assert.equal(failing.exitCode, 1)
      const issue = sim.github.issues[0]
      assert.equal(issue?.state, 'open')
      sim.script.github.push({ ...json(502, { message: 'Bad gateway' }), path: HISTORY })
      const unevaluated = await fallenRun(sim, { 'issue-on-failure': 'true', 'fail-on-low-score': 'false' })
      assert.equal(unevaluated.exitCode, 0, unevaluated.stdout)
      assert.match(
        annotations(unevaluated, 'warning').join('\n'),
        /\(max-drop\) could not be evaluated: .*HTTP 502[\s\S]*fail-on-low-score is false/
      )
      assert.equal(issue?.state, 'open', 'a run whose check could not be evaluated never closes the issue')
      assert.ok(!sim.github.comments.some(comment => comment.body.startsWith('Recovered')))
      assert.match(issue?.title ?? '', /: max-drop$/)
    }))

  it('a history whose lines of this tenant are all unusable (not readings, or dated ahead) is not a first reading: max-drop fails', () =>
    withSim(async sim => {
      const workspace = await mkdtemp(join(tmpdir(), 'secure-score-closed-'))
      try {
        const cases: Array<[string, RegExp]> = [
          ['{"score": 400, "time": "yesterday"}\nnot json at all\n', /only 2 line\(s\) that are not readings\.$/],
          [reading(sim, 400, '2099-01-01T00:00:00Z'), /only 1 reading\(s\) of this tenant dated after this run's\.$/]
        ]
        for (const [content, reason] of cases) {
          await writeFile(join(workspace, 'history.jsonl'), content)
          const result = await runSwept(sim, {
            workspace,
            inputs: { ...secretInputs(sim), 'history-file': 'history.jsonl', 'max-drop': '15' }
          })
          assert.equal(result.exitCode, 1, result.stdout)
          const error = onlyError(result)
          assert.match(
            error,
            /^Device secure score change \(max-drop\) could not be evaluated: the history holds no usable earlier reading of this tenant, /
          )
          assert.match(error, reason)
        }
      } finally {
        await rm(workspace, { recursive: true, force: true })
      }
    }))

  it('the first reading a history holds passes max-drop and says so; the summary never claims no threshold', () =>
    withSim(async sim => {
      const result = await scheduledRun(sim, { 'history-branch': BRANCH, 'max-drop': '15' })
      assert.equal(result.exitCode, 0, result.stdout)
      assert.doesNotMatch(result.summary, /No threshold set/)
      assert.match(
        result.summary,
        /\| Fall since the previous reading \(`max-drop`\) \| at most 15 \| the history holds no earlier reading/
      )
    }))
})

describe('fail closed: the tracking issue', () => {
  it('is found however many issues are open, in a bounded number of requests, and never opened twice', () =>
    withSim(async sim => {
      const first = await scheduledRun(sim, { 'issue-on-failure': 'true', 'min-score': '500' })
      assert.equal(first.exitCode, 1)
      for (let index = 0; index < 5100; index++) {
        const number = sim.github.nextIssueNumber++
        sim.github.issues.push({
          number,
          title: `Issue ${number}`,
          body: '',
          state: 'open',
          state_reason: null,
          html_url: `https://github.com/octo-org/octo-repo/issues/${number}`,
          user: { login: 'someone' },
          labels: []
        })
      }
      const before = sim.requestsTo('github').length
      const second = await scheduledRun(sim, { 'issue-on-failure': 'true', 'min-score': '500' })
      assert.equal(second.exitCode, 1)
      assert.equal(sim.github.issues.filter(issue => issue.user.login === 'github-actions[bot]').length, 1, 'never a second issue')
      assert.equal(second.outputs['issue-url'], first.outputs['issue-url'])
      assert.ok(sim.requestsTo('github').length - before <= 5, `${sim.requestsTo('github').length - before} requests`)
    }))

  it('keeps the title within 256 characters whatever the tenant’s name', () =>
    withSim(async sim => {
      const domain = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.contoso.com`
      assert.ok(domain.length > 200)
      const result = await scheduledRun(sim, {
        'client-secret': '',
        'tenant-id': domain,
        'access-token': sim.issueAccessToken(),
        'issue-on-failure': 'true',
        'min-score': '500'
      })
      assert.equal(result.exitCode, 1, result.stdout)
      const title = sim.github.issues[0]?.title ?? ''
      assert.ok(title.length <= 256, `${title.length} characters`)
      assert.match(title, /^Device secure score check failing for tenant a+\.b+.*…: min-score$/)
    }))
})

describe('fail closed: what people see', () => {
  it('a failing score is never displayed as a passing number (339.996 with min-score 340)', () =>
    withSim(async sim => {
      sim.defender.score = { score: 339.996 }
      const result = await runSwept(sim, { inputs: { ...secretInputs(sim), 'min-score': '340' } })
      assert.equal(result.exitCode, 1)
      assert.match(result.summary, /^## ❌ Device secure score: 339\.996 points$/m)
      assert.deepEqual(JSON.parse(result.outputs['badge-json'] ?? '{}'), {
        schemaVersion: 1,
        label: 'device secure score',
        message: '339.996',
        color: 'red'
      })
    }))

  it('references from API text (#1, GH-2, octo/app#3) stay inert in the comment and the summary', () =>
    withSim(async sim => {
      sim.defender.recommendations = [
        { recommendationName: 'Fix #1, GH-2 and octo/app#3 now', recommendationCategory: 'see #4', configScoreImpact: 1 }
      ]
      const result = await runSwept(sim, { ...pullRequestRun(sim), inputs: { ...secretInputs(sim), 'comment-on-pr': 'true' } })
      assert.equal(result.exitCode, 0, result.stdout)
      for (const text of [result.summary, sim.github.comments[0]?.body ?? '']) {
        assert.match(text, /Fix \\#\u200b1, GH\u200b-2 and octo\/app\\#\u200b3 now/)
        assert.doesNotMatch(text, /#\d|GH-\d/i)
      }
    }))
})

describe('two kinds of red', () => {
  it('a check that could not be evaluated reads apart from one that failed: heading, table, annotation title, and the unevaluated-checks output', () =>
    withSim(async sim => {
      sim.entra.app.roles = ['Score.Read.All']
      const result = await runSwept(sim, {
        inputs: { ...secretInputs(sim), 'min-score': '400', 'max-exploitable-vulnerabilities': '0', recommendations: '0' }
      })
      assert.equal(result.exitCode, 1)
      assert.equal(result.outputs['passed'], 'false')
      assert.equal(result.outputs['unevaluated-checks'], '1')
      assert.match(
        result.summary,
        /^1 of 2 checks failed; 1 check could not be evaluated, so the gate fails closed \(see why below; nothing crashed\)\.$/m
      )
      assert.match(result.summary, /\| at least 400 \| 340 \| ❌ failed \|$/m)
      assert.match(result.summary, /\| could not be evaluated: .*Vulnerability\.Read\.All.* \| ❓ not evaluated: fails closed \|$/m)
      const titled = result.stdout.split('\n').filter(line => line.startsWith('::error'))
      assert.equal(titled.length, 1)
      // A property's comma is escaped as %2C by @actions/core, as the runner expects.
      assert.match(titled[0] ?? '', /^::error title=1 check failed%2C 1 could not be evaluated \(fails closed\)::/)
      // Only could-not-be-evaluated: a mark of its own, not the failed one.
      const alone = await runSwept(sim, { inputs: { ...secretInputs(sim), 'max-exploitable-vulnerabilities': '0', recommendations: '0' } })
      assert.match(alone.summary, /^## ❓ Device secure score: 340 points$/m)
      assert.equal(alone.outputs['unevaluated-checks'], '1')
      const passing = await runSwept(sim, { inputs: { ...secretInputs(sim), 'min-score': '300', recommendations: '0' } })
      assert.equal(passing.outputs['unevaluated-checks'], '0')
    }))
})
