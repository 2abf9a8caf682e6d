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
import { SCORE_PATH } from '../../src/sources/score/source.js'
import { MAX_COMMENT_CHARS, MAX_SUMMARY_BYTES } from '../../src/report/markdown.js'
import { REPORT_LIST_CAP } from '../../src/report/outputs.js'
import { BRANCH_HISTORY_BYTES } from '../../src/history/history.js'
import { json, vulnerabilityItem, type Simulator } from '../sim/simulator.js'
import {
  annotations,
  branchLines,
  onlyError,
  pullRequestRun,
  runSwept,
  scheduledRun,
  secretInputs,
  withSim,
  type ActionRun
} from '../support/harness.js'

const REPOSITORY = '/repos/octo-org/octo-repo'
const HISTORY = `${REPOSITORY}/contents/history.jsonl`
const BRANCH = 'secure-score-history'

/** A history line of the simulator's tenant. */
function reading(sim: Simulator, score: number, time: string, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ time, score, exposure: null, tenant: sim.tenantId, apiHost: 'x', ...extra })}\n`
}

/** A history branch holding one earlier reading of 400. */
function seedBranch(sim: Simulator, content: Buffer | string = reading(sim, 400, '2026-11-20T06:00:00Z')): void {
  sim.branches.set(BRANCH, new Map([['history.jsonl', Buffer.isBuffer(content) ? content : Buffer.from(content)]]))
}

function report(run: ActionRun): Record<string, unknown> & { checks: Array<Record<string, unknown>> } {
  return JSON.parse(run.outputs['report-json'] ?? '{}') as Record<string, unknown> & { checks: Array<Record<string, unknown>> }
}

/** A run with the score fallen from 400 to 300, which max-drop 15 must never let through. */
function fallenRun(sim: Simulator, inputs: Record<string, string> = {}): Promise<ActionRun> {
  sim.score = { score: 300 }
  return scheduledRun(sim, { 'history-branch': BRANCH, 'max-drop': '15', 'max-retries': '0', ...inputs })
}

function assertUnevaluatedDrop(result: ActionRun, reason: RegExp): void {
  assert.equal(result.exitCode, 1, result.stdout)
  const error = onlyError(result)
  assert.match(error, /^Device secure score change \(max-drop\) could not be evaluated: /)
  assert.match(error, reason)
  const drop = report(result).checks.find(check => check['input'] === 'max-drop')
  assert.equal(drop?.['passed'], false)
  assert.equal(drop?.['value'], null)
  assert.match(String(drop?.['reason']), /^could not be evaluated: /)
  assert.equal(result.outputs['passed'], 'false')
  assert.doesNotMatch(result.summary, /No threshold set/)
  assert.match(result.summary, /could not be evaluated/)
}

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
      const issue = sim.issues[0]
      assert.equal(issue?.state, 'open')
      sim.script.github.push({ ...json(502, { message: 'Bad gateway' }), path: HISTORY })
      const unevaluated = await fallenRun(sim, { 'issue-on-failure': 'true', 'fail-on-low-score': 'false' })
      assert.equal(unevaluated.exitCode, 0, unevaluated.stdout)
      assert.match(
        annotations(unevaluated, 'warning').join('\n'),
        /\(max-drop\) could not be evaluated: .*HTTP 502[\s\S]*fail-on-low-score is false/
      )
      assert.equal(issue?.state, 'open', 'a run whose check could not be evaluated never closes the issue')
      assert.ok(!sim.comments.some(comment => comment.body.startsWith('Recovered')))
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

describe('fail closed: the history branch', () => {
  it('a 422 "sha wasn\'t supplied" on a branch that had no file is a race: the run reads again and keeps both readings', () =>
    withSim(async sim => {
      sim.branches.set(BRANCH, new Map())
      const other = reading(sim, 400, '2026-11-20T06:00:00Z', { run: 'another-run' })
      sim.script.github.push({
        ...json(422, { message: 'Invalid request.\n\n"sha" wasn\'t supplied.', documentation_url: 'https://docs.github.com/rest' }),
        path: HISTORY,
        method: 'PUT',
        meanwhile: () => sim.branches.get(BRANCH)?.set('history.jsonl', Buffer.from(other))
      })
      const result = await fallenRun(sim)
      assert.deepEqual(
        branchLines(sim).map(line => line['score']),
        [400, 300],
        'the racing run wrote first; this run read again and appended'
      )
      assert.equal(result.exitCode, 1)
      assert.match(onlyError(result), /^Device secure score fell by 100 points, more than max-drop 15/)
    }))

  it('never compares a reading with itself: a write whose answer was lost is found, not written twice', () =>
    withSim(async sim => {
      seedBranch(sim)
      sim.script.github.push({ ...json(502, { message: 'Server Error' }), path: HISTORY, method: 'PUT', afterHandling: true })
      const result = await fallenRun(sim, { 'max-retries': '1' })
      assert.equal(result.exitCode, 1, result.stdout)
      assert.match(
        onlyError(result),
        /^Device secure score fell by 100 points, more than max-drop 15: from 400 at 2026-11-20T06:00:00Z to 300/
      )
      assert.deepEqual(
        branchLines(sim).map(line => line['score']),
        [400, 300],
        "one line for this run, though GitHub took the write and the run didn't hear it"
      )
      assert.match(result.stdout, /this run's reading is already in history\.jsonl on branch secure-score-history/)
      assert.equal(result.outputs['previous-score'], '400')
    }))

  it('reads a history up to the documented 16 MiB through the blob API (7 MB and 15 MiB)', () =>
    withSim(async sim => {
      for (const megabytes of [7, 15]) {
        const filler = reading(sim, 420, '2026-01-01T00:00:00Z')
        const lines = Math.floor((megabytes * 1024 * 1024) / filler.length)
        seedBranch(sim, filler.repeat(lines) + reading(sim, 400, '2026-11-20T06:00:00Z'))
        const result = await fallenRun(sim)
        assert.equal(result.exitCode, 1)
        assert.match(onlyError(result), /^Device secure score fell by 100 points, more than max-drop 15: from 400/, `${megabytes} MB`)
        const written = branchLines(sim)
        assert.deepEqual(
          written.slice(-2).map(line => line['score']),
          [400, 300],
          'the newest reading kept, this one added'
        )
        if (megabytes === 7) {
          assert.equal(written.length, lines + 2, 'every line kept under the bound')
        } else {
          const bytes = sim.branches.get(BRANCH)?.get('history.jsonl')?.length ?? 0
          assert.ok(bytes <= BRANCH_HISTORY_BYTES, `past the bound the oldest lines go: ${bytes} bytes`)
          assert.ok(written.length < lines + 2)
        }
      }
    }))

  it('an answer over the cap says the answer was larger, and names the history file, not api-url', () =>
    withSim(async sim => {
      seedBranch(sim)
      sim.contentsInlineLimit = 10
      sim.script.github.push({ status: 200, body: `{"content":"${'A'.repeat(25 * 1024 * 1024)}"}`, path: `${REPOSITORY}/git/blobs/*` })
      const result = await fallenRun(sim)
      assertUnevaluatedDrop(
        result,
        /The answer from GitHub's API \(127\.0\.0\.1:\d+\) was larger than \d+(\.\d)? MiB.*history\.jsonl on branch secure-score-history is larger than/
      )
      assert.doesNotMatch(result.stdout, /No answer from|api-url/)
    }))

  it('keeps lines that are not valid UTF-8 byte for byte, and warns of them as for a workspace file', () =>
    withSim(async sim => {
      const original = Buffer.concat([
        Buffer.from('{"note":"caf'),
        Buffer.from([0xe9, 0xff, 0xfe]),
        Buffer.from('"}\n'),
        Buffer.from(reading(sim, 400, '2026-11-20T06:00:00Z'))
      ])
      seedBranch(sim, original)
      const result = await scheduledRun(sim, { 'history-branch': BRANCH })
      assert.equal(result.exitCode, 0, result.stdout)
      const after = sim.branches.get(BRANCH)?.get('history.jsonl') ?? Buffer.alloc(0)
      assert.ok(after.subarray(0, original.length).equals(original), 'the bytes the file held are kept as they were')
      assert.deepEqual(annotations(result, 'warning'), [
        'history.jsonl on branch secure-score-history has 1 line(s) that are not readings; they are kept as they are and left out of the trend.'
      ])
      assert.equal(result.outputs['previous-score'], '400')
    }))

  it('a refusal that is not a race (a ruleset) is reported at once with GitHub’s reason, not retried', () =>
    withSim(async sim => {
      seedBranch(sim)
      for (let index = 0; index < 12; index++) {
        sim.script.github.push({
          ...json(409, { message: 'Repository rule violations found\n\nChanges must be made through a pull request.' }),
          path: HISTORY,
          method: 'PUT'
        })
      }
      const result = await fallenRun(sim)
      assert.equal(sim.requestsTo('github').filter(request => request.method === 'PUT').length, 1, 'one write, not twelve')
      assert.match(annotations(result, 'warning').join('\n'), /could not be written \(.*HTTP 409: Repository rule violations found/)
      assert.match(onlyError(result), /fell by 100 points/, 'the earlier readings were read, so max-drop still decides')
    }))

  it('a branch name with slashes keeps them in the refs path, so an existing branch is found, not taken for a missing one', () =>
    withSim(async sim => {
      sim.branches.set('compliance/secure-score', new Map([['README.md', Buffer.from('records')]]))
      const result = await scheduledRun(sim, { 'history-branch': 'compliance/secure-score' })
      assert.equal(result.exitCode, 0, result.stdout)
      assert.deepEqual(annotations(result, 'warning'), [])
      assert.deepEqual([...(sim.branches.get('compliance/secure-score')?.keys() ?? [])], ['README.md', 'history.jsonl'])
      assert.ok(sim.requestsTo('github').some(request => request.path.endsWith('/git/ref/heads/compliance/secure-score')))
    }))

  it('refuses a history-branch git refuses (.secure-score, a/.b, HEAD) before any request', () =>
    withSim(async sim => {
      for (const branch of ['.secure-score', 'a/.b', 'HEAD']) {
        const result = await scheduledRun(sim, { 'history-branch': branch })
        assert.equal(result.exitCode, 1)
        assert.match(
          onlyError(result),
          new RegExp(`^Invalid history-branch '${branch.replace('.', '\\.')}'\\. Expected a branch name git accepts`)
        )
      }
      assert.equal(sim.requests.length, 0)
    }))
})

describe('fail closed: the tracking issue', () => {
  it('is found however many issues are open, in a bounded number of requests, and never opened twice', () =>
    withSim(async sim => {
      const first = await scheduledRun(sim, { 'issue-on-failure': 'true', 'min-score': '500' })
      assert.equal(first.exitCode, 1)
      for (let index = 0; index < 5100; index++) {
        const number = sim.nextIssueNumber++
        sim.issues.push({
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
      assert.equal(sim.issues.filter(issue => issue.user.login === 'github-actions[bot]').length, 1, 'never a second issue')
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
      const title = sim.issues[0]?.title ?? ''
      assert.ok(title.length <= 256, `${title.length} characters`)
      assert.match(title, /^Device secure score check failing for tenant a+\.b+.*…: min-score$/)
    }))
})

describe('fail closed: bounds', () => {
  it('the reading has one deadline: 40 pages answered in 0.3 s each (timeout-seconds 1) cannot hold a run; what is unread fails closed', () =>
    withSim(async sim => {
      sim.vulnerabilities = Array.from({ length: 40 }, (_, index) => vulnerabilityItem(`CVE-2025-${1000 + index}`))
      sim.vulnerabilityServerPageSize = 1
      sim.serviceLatencyMs.api = 300
      const result = await runSwept(sim, {
        inputs: {
          ...secretInputs(sim),
          'max-exploitable-vulnerabilities': '0',
          'timeout-seconds': '1',
          'max-retries': '0',
          recommendations: '0'
        }
      })
      assert.equal(result.exitCode, 1)
      assert.match(
        onlyError(result),
        /^Exploitable vulnerabilities \(max-exploitable-vulnerabilities\) could not be evaluated: .*the run's time ran out \(2 s to read Microsoft's answers/
      )
      const pages = sim.requestsTo('api').filter(request => request.path.startsWith('/api/vulnerabilities')).length
      assert.ok(pages <= 10, `${pages} pages were asked for within the 2 s, not 40`)
      assert.equal(result.outputs['passed'], 'false')
    }))

  it('the reading has one deadline for many tenants too: tenants unread by then could not be read, and fail', () =>
    withSim(async sim => {
      const ids = Array.from({ length: 400 }, (_, index) => `00000000-0000-0000-0000-${String(index).padStart(12, '0')}`)
      for (const id of ids) sim.addTenant(id, `t${id.slice(-4)}.example.com`, 300)
      sim.serviceLatencyMs.api = 300
      const result = await runSwept(sim, {
        inputs: { ...secretInputs(sim), 'tenant-id': ids.join(','), 'timeout-seconds': '1', 'max-retries': '0', recommendations: '5' }
      })
      assert.equal(result.exitCode, 1)
      const tenants = (report(result)['tenants'] as Array<Record<string, unknown>>) ?? []
      const timedOut = tenants.filter(tenant => /the run's time ran out/.test(String(tenant['error'])))
      assert.ok(timedOut.length >= 50, `${timedOut.length} of 400 tenants were cut by the deadline`)
      assert.ok(sim.requestsTo('api').length <= 700, `${sim.requestsTo('api').length} requests, not 800`)
    }))

  it('publishing keeps its deadline after a retry has waited', () =>
    withSim(async sim => {
      sim.serviceLatencyMs.github = 600
      sim.script.github.push(json(503, { message: 'Service Unavailable' }))
      const options = pullRequestRun(sim)
      const result = await runSwept(sim, {
        ...options,
        inputs: {
          ...secretInputs(sim),
          'min-score': '500',
          'timeout-seconds': '1',
          'max-retries': '1',
          'history-branch': BRANCH,
          'comment-on-pr': 'true',
          'issue-on-failure': 'true'
        }
      })
      assert.equal(result.exitCode, 1)
      assert.match(annotations(result, 'warning').join('\n'), /the run's 2 s for GitHub's API .* ran out/)
      const github = sim.requestsTo('github').length
      assert.ok(github <= 7, `${github} GitHub requests were answered, not the dozen a run makes without a deadline`)
    }))

  it("publishing has a deadline: past it the verdict is given and the rest is a warning (25 slow GitHub requests don't hold a run)", () =>
    withSim(async sim => {
      sim.serviceLatencyMs.github = 900
      const options = pullRequestRun(sim)
      const result = await runSwept(sim, {
        ...options,
        inputs: {
          ...secretInputs(sim),
          'min-score': '500',
          'timeout-seconds': '1',
          'max-retries': '0',
          'history-branch': BRANCH,
          'comment-on-pr': 'true',
          'issue-on-failure': 'true'
        }
      })
      assert.equal(result.exitCode, 1)
      assert.match(onlyError(result), /below the threshold min-score 500/)
      assert.match(
        annotations(result, 'warning').join('\n'),
        /the run's 1 s for GitHub's API \(timeout-seconds x \(max-retries \+ 1\).*\) ran out/
      )
      const github = sim.requestsTo('github').length
      assert.ok(github <= 3, `${github} GitHub requests were answered, not the dozen a run makes without a deadline`)
    }))

  it('the comment and the tracking issue stay under 65,536 characters with 470 long-named groups; the summary under 1 MiB with 10,000', () =>
    withSim(async sim => {
      sim.deviceGroups = Array.from({ length: 470 }, (_, index) => ({
        score: 80,
        rbacGroupName: `${'G'.repeat(130)}${index}`
      }))
      const options = pullRequestRun(sim)
      const posted = await runSwept(sim, {
        ...options,
        inputs: {
          ...secretInputs(sim),
          'device-groups': '*',
          'max-device-group-exposure-score': '50',
          'comment-on-pr': 'true',
          'issue-on-failure': 'true'
        }
      })
      assert.equal(posted.exitCode, 1)
      assert.deepEqual(annotations(posted, 'warning'), [], 'both writes were taken')
      const [comment] = sim.comments
      const [issue] = sim.issues
      for (const body of [comment?.body ?? '', issue?.body ?? '']) {
        assert.ok(body.length > 10_000 && body.length <= MAX_COMMENT_CHARS, `${body.length} characters`)
        assert.match(
          body,
          /\d+ more rows left out to fit GitHub's limit on the length of (a comment|an issue); the job summary of the run lists more\./
        )
      }

      sim.deviceGroups = Array.from({ length: 10_000 }, (_, index) => ({
        score: 10,
        rbacGroupName: `${'G'.repeat(130)}${index}`
      }))
      const summarised = await scheduledRun(sim, { 'device-groups': '*', 'max-device-group-exposure-score': '50' })
      assert.equal(summarised.exitCode, 0, summarised.stdout.slice(0, 2000))
      assert.ok(Buffer.byteLength(summarised.summary) <= MAX_SUMMARY_BYTES, `${Buffer.byteLength(summarised.summary)} bytes`)
      assert.match(
        summarised.summary,
        /more rows left out to fit GitHub's limit on the length of a job summary; the report-json output lists more/
      )
      const document = report(summarised)
      assert.equal((document['deviceGroups'] as unknown[]).length, REPORT_LIST_CAP)
      assert.equal(document['deviceGroupsOmitted'], 10_000 - REPORT_LIST_CAP)
      assert.equal(document.checks.length, REPORT_LIST_CAP)
      assert.equal(document['checksOmitted'], 10_000 - REPORT_LIST_CAP)
    }))

  it("a 422 from GitHub is reported with GitHub's own reason (errors[].message)", () =>
    withSim(async sim => {
      sim.script.github.push({
        ...json(422, {
          message: 'Validation Failed',
          errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }]
        }),
        path: `${REPOSITORY}/issues/7/comments`,
        method: 'POST'
      })
      const result = await runSwept(sim, { ...pullRequestRun(sim), inputs: { ...secretInputs(sim), 'comment-on-pr': 'true' } })
      assert.equal(result.exitCode, 0)
      assert.match(
        annotations(result, 'warning').join('\n'),
        /HTTP 422: Validation Failed; body is too long \(maximum is 65536 characters\)/
      )
    }))

  it('Retry-After that is neither seconds nor an HTTP date is treated as absent; a huge one is printed in plain seconds', () =>
    withSim(async sim => {
      const throttled = (retryAfter: string) => ({
        ...json(429, { error: { code: 'TooManyRequests', message: 'Rate limit is exceeded', target: 'r' } }, { 'Retry-After': retryAfter }),
        path: SCORE_PATH
      })
      sim.script.api.push(throttled('Retry in 5'))
      const prose = await runSwept(sim, { inputs: { ...secretInputs(sim), recommendations: '0' } })
      assert.equal(prose.exitCode, 0, prose.stdout)
      assert.match(prose.stdout, /the Defender API answered HTTP 429; retrying in [234]\.\d s/, 'the throttling wait, not a date in 2001')
      sim.script.api.push(throttled(`1${'0'.repeat(23)}`))
      const huge = await runSwept(sim, { inputs: { ...secretInputs(sim), recommendations: '0' } })
      assert.equal(huge.exitCode, 0, huge.stdout)
      assert.match(annotations(huge, 'warning').join('\n'), /asked to wait \d{20,} s before retrying; waiting 60 s/)
    }))
})

describe('fail closed: what people see', () => {
  it('a failing score is never displayed as a passing number (339.996 with min-score 340)', () =>
    withSim(async sim => {
      sim.score = { score: 339.996 }
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
      sim.recommendations = [
        { recommendationName: 'Fix #1, GH-2 and octo/app#3 now', recommendationCategory: 'see #4', configScoreImpact: 1 }
      ]
      const result = await runSwept(sim, { ...pullRequestRun(sim), inputs: { ...secretInputs(sim), 'comment-on-pr': 'true' } })
      assert.equal(result.exitCode, 0, result.stdout)
      for (const text of [result.summary, sim.comments[0]?.body ?? '']) {
        assert.match(text, /Fix \\#\u200b1, GH\u200b-2 and octo\/app\\#\u200b3 now/)
        assert.doesNotMatch(text, /#\d|GH-\d/i)
      }
    }))
})
