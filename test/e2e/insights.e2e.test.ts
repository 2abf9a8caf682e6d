/**
 * End to end for what goes beyond the number: exposure score, top recommendations, score history,
 * the badge, and the sticky pull-request comment, against the simulator (Defender and GitHub's REST API).
 */
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { XMLValidator } from 'fast-xml-parser'
import {
  annotations,
  onlyError,
  pullRequestRun,
  runSwept,
  secretInputs,
  withSim,
  type ActionRun,
  type RunOptions
} from '../support/harness.js'
import { EXPOSURE_PATH } from '../../src/sources/exposure/source.js'
import { RECOMMENDATIONS_PATH } from '../../src/sources/recommendations/answers.js'
import type { Simulator } from '../sim/simulator.js'

async function withWorkspace(test: (workspace: string) => Promise<void>): Promise<void> {
  const workspace = await mkdtemp(join(tmpdir(), 'secure-score-workspace-'))
  try {
    await test(workspace)
  } finally {
    await rm(workspace, { recursive: true, force: true })
  }
}

function run(sim: Simulator, inputs: Record<string, string>, options: Omit<RunOptions, 'inputs'> = {}): Promise<ActionRun> {
  return runSwept(sim, { ...options, inputs: { ...secretInputs(sim), ...inputs } })
}

function historyLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter(line => line.length > 0)
    .map(line => JSON.parse(line) as Record<string, unknown>)
}

describe('exposure score', () => {
  it('reads it when asked, as an output and in the summary with its level', () =>
    withSim(async sim => {
      const result = await run(sim, { 'include-exposure-score': 'true' })
      assert.equal(result.exitCode, 0, result.stdout)
      assert.equal(result.outputs['exposure-score'], '42')
      assert.match(result.summary, /\| Exposure score \| 42, medium \(0-29 low, 30-69 medium, 70-100 high; lower is better\) \|/)
      assert.equal(sim.requestsTo('api', EXPOSURE_PATH).length, 1)
    }))

  it('is not requested by default', () =>
    withSim(async sim => {
      const result = await run(sim, {})
      assert.equal(result.exitCode, 0, result.stdout)
      assert.equal(result.outputs['exposure-score'], '')
      assert.equal(sim.requestsTo('api', EXPOSURE_PATH).length, 0)
    }))

  it('fails above max-exposure-score, which implies reading it, and passes at it', () =>
    withSim(async sim => {
      sim.defender.exposure = { score: 72 }
      const failed = await run(sim, { 'max-exposure-score': '50', 'min-score': '300' })
      assert.equal(failed.exitCode, 1)
      assert.equal(onlyError(failed), 'Exposure score 72 (high) is above the threshold max-exposure-score 50 (lower is better).')
      assert.equal(failed.outputs['passed'], 'false')
      assert.match(failed.summary, /1 of 2 checks failed\./)
      assert.match(failed.summary, /\| Exposure score \(`max-exposure-score`\) \| at most 50 \| 72 \| ❌ failed \|/)

      sim.defender.exposure = { score: 50 }
      const passed = await run(sim, { 'max-exposure-score': '50' })
      assert.equal(passed.exitCode, 0, passed.stdout)
      assert.equal(passed.outputs['passed'], 'true')
    }))

  it('only warns when it cannot be read and nothing is checked on it; fails when max-exposure-score needs it', () =>
    withSim(async sim => {
      sim.script.api.push({ status: 500, body: '', path: EXPOSURE_PATH })
      const warned = await run(sim, { 'include-exposure-score': 'true', 'max-retries': '0', 'min-score': '300' })
      assert.equal(warned.exitCode, 0, warned.stdout)
      assert.match(
        annotations(warned, 'warning')[0] ?? '',
        /^Exposure score skipped: The Defender API refused GET \/api\/exposureScore \(HTTP 500/
      )
      assert.equal(warned.outputs['exposure-score'], '')

      sim.script.api.push({ status: 500, body: '', path: EXPOSURE_PATH })
      const failed = await run(sim, { 'max-exposure-score': '50', 'max-retries': '0' })
      assert.equal(failed.exitCode, 1)
      assert.match(onlyError(failed), /^The Defender API refused GET \/api\/exposureScore \(HTTP 500/)
    }))
})

describe('top recommendations', () => {
  it('lists the five with the highest score impact by default', () =>
    withSim(async sim => {
      // Six active recommendations (and one excepted): the default shows five, the sixth by impact is left out.
      sim.defender.recommendations.push(
        {
          id: 'sca-6',
          recommendationName: 'Turn on tamper protection',
          recommendationCategory: 'Security controls',
          productName: 'windows_10',
          configScoreImpact: 3,
          exposedMachinesCount: 5,
          totalMachineCount: 40
        },
        {
          id: 'sca-7',
          recommendationName: 'Set a screen lock',
          recommendationCategory: 'Accounts',
          productName: 'windows_10',
          configScoreImpact: 1,
          exposedMachinesCount: 2,
          totalMachineCount: 40
        }
      )
      const result = await run(sim, {})
      assert.equal(result.exitCode, 0, result.stdout)
      assert.match(result.summary, /### Top 5 recommendations by score impact/)
      const rows = result.summary.split('\n').filter(line => /^\| \d \| /.test(line))
      assert.deepEqual(rows, [
        '| 1 | Enable Local Admin password management | Accounts | +7.25 | 30 of 40 |',
        '| 2 | Block Office applications from creating child processes | Security controls | +4 | 25 of 40 |',
        '| 3 | Turn on tamper protection | Security controls | +3 | 5 of 40 |',
        '| 4 | Turn on Microsoft Defender Firewall | Network | +2.5 | 12 of 40 |',
        '| 5 | Set a screen lock | Accounts | +1 | 2 of 40 |'
      ])
    }))

  it('lists as many as asked, and skips the request at 0', () =>
    withSim(async sim => {
      const two = await run(sim, { recommendations: '2' })
      assert.match(two.summary, /### Top 2 recommendations by score impact/)
      const none = await run(sim, { recommendations: '0' })
      assert.doesNotMatch(none.summary, /recommendations/i)
      assert.equal(sim.requestsTo('api', RECOMMENDATIONS_PATH).length, 1, 'only the first run asked')
    }))

  it('warns once, naming SecurityRecommendation.Read.All, and the gate still decides alone', () =>
    withSim(async sim => {
      sim.entra.app.roles = ['Score.Read.All']
      const result = await run(sim, { 'min-score': '300' })
      assert.equal(result.exitCode, 0, result.stdout)
      const warnings = annotations(result, 'warning')
      assert.equal(warnings.length, 1)
      assert.match(warnings[0] ?? '', /^Recommendations skipped: The Defender API refused GET \/api\/recommendations \(HTTP 403/)
      assert.match(warnings[0] ?? '', /application permission SecurityRecommendation\.Read\.All on WindowsDefenderATP/)
      assert.equal(result.outputs['passed'], 'true')
      assert.doesNotMatch(result.summary, /Top \d+ recommendations/)
    }))
})

describe('concurrency', () => {
  it('sends the score, exposure and recommendations requests at once', () =>
    withSim(async sim => {
      sim.latencyMs = 300
      const result = await run(sim, { 'include-exposure-score': 'true' })
      assert.equal(result.exitCode, 0, result.stdout)
      const api = sim.requestsTo('api')
      assert.equal(api.length, 3)
      const lastArrival = Math.max(...api.map(request => request.receivedAt))
      const firstAnswer = Math.min(...api.map(request => request.answeredAt))
      assert.ok(lastArrival < firstAnswer, 'every request arrived before any was answered')
    }))
})

describe('history', () => {
  it('appends one line per run, with previous-score, score-delta and a trend', () =>
    withSim(async sim =>
      withWorkspace(async workspace => {
        const inputs = { 'history-file': '.github/secure-score/history.jsonl', 'include-exposure-score': 'true' }
        const file = join(workspace, '.github/secure-score/history.jsonl')
        const first = await run(sim, inputs, { workspace })
        assert.equal(first.exitCode, 0, first.stdout)
        assert.equal(first.outputs['previous-score'], '')
        assert.equal(first.outputs['score-delta'], '')
        assert.match(first.summary, /\*\*340\*\* points \(first reading of this tenant\)/)
        const [line] = historyLines(await readFile(file, 'utf8'))
        assert.deepEqual(Object.keys(line ?? {}), [
          'time',
          'score',
          'exposure',
          'tenant',
          'directory',
          'apiHost',
          'run',
          'recommendations',
          'impacts'
        ])
        assert.match(
          String(line?.['run']),
          /^local\.1\.[0-9a-f]{12}$/,
          'the line names the run that wrote it (no GITHUB_RUN_ID off a runner)'
        )
        assert.equal(line?.['score'], 340)
        assert.equal(line?.['exposure'], 42)
        assert.equal(line?.['tenant'], sim.tenantId)

        sim.defender.score = { score: 352.5 }
        const second = await run(sim, inputs, { workspace })
        assert.equal(second.outputs['previous-score'], '340')
        assert.equal(second.outputs['score-delta'], '12.5')
        assert.match(second.summary, /\*\*352\.5\*\* points, up 12\.5 since the previous reading \(340 at /)
        assert.match(second.summary, /### Last 2 readings/)
        assert.match(second.summary, /Trend: `▁█` 340 → 352\.5 \(\+12\.5\)/)
        assert.equal(historyLines(await readFile(file, 'utf8')).length, 2)
      })
    ))

  it('fails a fall larger than max-drop, naming both readings, and still records it', () =>
    withSim(async sim =>
      withWorkspace(async workspace => {
        const inputs = { 'history-file': 'history.jsonl', 'max-drop': '10' }
        const first = await run(sim, inputs, { workspace })
        assert.equal(first.exitCode, 0, first.stdout)
        sim.defender.score = { score: 325 }
        const second = await run(sim, inputs, { workspace })
        assert.equal(second.exitCode, 1)
        assert.match(
          onlyError(second),
          /^Device secure score fell by 15 points, more than max-drop 10: from 340 at \d{4}-\S+Z to 325 at \d{4}-\S+Z\.$/
        )
        assert.equal(second.outputs['score-delta'], '-15')
        assert.equal(historyLines(await readFile(join(workspace, 'history.jsonl'), 'utf8')).length, 2)
      })
    ))

  it('compares with the same tenant only', () =>
    withSim(async sim =>
      withWorkspace(async workspace => {
        const other = { time: '2026-01-01T00:00:00Z', score: 999, exposure: null, tenant: 'fabrikam.onmicrosoft.com', apiHost: 'x' }
        await writeFile(join(workspace, 'history.jsonl'), `${JSON.stringify(other)}\n`)
        const result = await run(sim, { 'history-file': 'history.jsonl', 'max-drop': '0' }, { workspace })
        assert.equal(result.exitCode, 0, result.stdout)
        assert.equal(result.outputs['previous-score'], '')
      })
    ))

  it('keeps corrupt lines, warns, and appends after them', () =>
    withSim(async sim =>
      withWorkspace(async workspace => {
        const earlier = { time: '2026-01-01T00:00:00Z', score: 330, exposure: null, tenant: sim.tenantId, apiHost: 'x' }
        const original = `not json\n${JSON.stringify(earlier)}\n{"half":`
        await writeFile(join(workspace, 'history.jsonl'), original)
        const result = await run(sim, { 'history-file': 'history.jsonl' }, { workspace })
        assert.equal(result.exitCode, 0, result.stdout)
        assert.match(annotations(result, 'warning')[0] ?? '', /^history-file has 2 line\(s\) that are not readings; they are kept/)
        assert.equal(result.outputs['previous-score'], '330')
        const after = await readFile(join(workspace, 'history.jsonl'), 'utf8')
        assert.ok(after.startsWith(`${original}\n`), 'nothing the file held was lost')
        assert.equal(after.split('\n').filter(Boolean).length, 4)
      })
    ))

  it('leaves an unreadable history alone; max-drop then cannot be evaluated, so the run fails', () =>
    withSim(async sim =>
      withWorkspace(async workspace => {
        await mkdir(join(workspace, 'history.jsonl'))
        const result = await run(sim, { 'history-file': 'history.jsonl', 'max-drop': '5' }, { workspace })
        assert.equal(result.exitCode, 1)
        assert.match(
          annotations(result, 'warning')[0] ?? '',
          /^history-file could not be read \(.*history\.jsonl is not a regular file\); it is left untouched/
        )
        assert.match(
          onlyError(result),
          /^Device secure score change \(max-drop\) could not be evaluated: history-file could not be read \(.*history\.jsonl is not a regular file\)\.$/
        )
      })
    ))
})

describe('badge', () => {
  const cases: Array<[string, Record<string, string>, string, string]> = [
    ['green when the checks pass', { 'min-score': '300' }, 'green', '#67ac09'],
    ['red when a check fails', { 'min-score': '400', 'fail-on-low-score': 'false' }, 'red', '#dd4343'],
    ['grey with nothing to check', {}, 'lightgrey', '#939393']
  ]
  for (const [name, inputs, color, fill] of cases) {
    it(`writes a well-formed SVG, ${name}`, () =>
      withSim(async sim =>
        withWorkspace(async workspace => {
          const result = await run(sim, { ...inputs, 'badge-file': 'badges/secure-score.svg' }, { workspace })
          assert.equal(result.exitCode, 0, result.stdout)
          const path = join(workspace, 'badges/secure-score.svg')
          assert.equal(result.outputs['badge-file'], path)
          const svg = await readFile(path, 'utf8')
          assert.equal(XMLValidator.validate(svg), true)
          assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
          assert.match(svg, /<title>device secure score: 340<\/title>/)
          assert.ok(svg.includes(`fill="${fill}"`), `coloured ${fill}`)
          assert.deepEqual(JSON.parse(result.outputs['badge-json'] ?? ''), {
            schemaVersion: 1,
            label: 'device secure score',
            message: '340',
            color
          })
        })
      ))
  }

  it('sets badge-json without writing a file when badge-file is empty', () =>
    withSim(async sim => {
      const result = await run(sim, {})
      assert.equal(result.outputs['badge-file'], '', 'empty: no badge was written')
      assert.equal(JSON.parse(result.outputs['badge-json'] ?? '{}').message, '340')
    }))
})

describe('pull-request comment', () => {
  it('keeps exactly one comment, created then updated in place', () =>
    withSim(async sim => {
      const first = await run(sim, { 'comment-on-pr': 'true', 'min-score': '300', 'include-exposure-score': 'true' }, pullRequestRun(sim))
      assert.equal(first.exitCode, 0, first.stdout)
      assert.equal(sim.github.comments.length, 1)
      const [comment] = sim.github.comments
      assert.equal(comment?.issue, 7)
      assert.equal(first.outputs['comment-url'], comment?.html_url)
      assert.match(comment?.body ?? '', /^<!-- defender-secure-score-action tenant=72f988bf-86f1-41af-91ab-2d7cd011db47 -->\n/)
      assert.match(
        comment?.body ?? '',
        /!\[device secure score: 340\]\(https:\/\/img\.shields\.io\/badge\/device%20secure%20score-340-green\)/
      )
      assert.match(comment?.body ?? '', /\| Score \(`min-score`\) \| at least 300 \| 340 \| ✅ passed \|/)
      assert.match(comment?.body ?? '', /\| Exposure score \| 42, medium/)
      assert.match(comment?.body ?? '', /\| 1 \| Enable Local Admin password management \|/)
      assert.match(comment?.body ?? '', /\[this workflow run\]\(https:\/\/github\.com\/octo-org\/octo-repo\/actions\/runs\/4242\)/)

      sim.defender.score = { score: 290 }
      const second = await run(sim, { 'comment-on-pr': 'true', 'min-score': '300' }, pullRequestRun(sim))
      assert.equal(second.exitCode, 1)
      assert.equal(sim.github.comments.length, 1, 'still one comment')
      assert.equal(sim.github.comments[0]?.id, comment?.id)
      assert.match(sim.github.comments[0]?.body ?? '', /device%20secure%20score-290-red/)
      assert.deepEqual(
        sim.requestsTo('github').map(request => `${request.method} ${request.path.split('?')[0]}`),
        [
          'POST /graphql',
          'GET /repos/octo-org/octo-repo/issues/7/comments',
          'POST /repos/octo-org/octo-repo/issues/7/comments',
          'GET /repos/octo-org/octo-repo/issues/7/comments',
          'POST /graphql',
          'GET /repos/octo-org/octo-repo/issues/7/comments',
          `PATCH /repos/octo-org/octo-repo/issues/comments/${comment?.id}`
        ]
      )
    }))

  it('finds its comment past the first page, and leaves other comments alone', () =>
    withSim(async sim => {
      for (let index = 0; index < 130; index++) {
        sim.github.comments.push({ id: index + 1, issue: 7, body: `chatter ${index}`, html_url: `u${index}`, user: { login: 'someone' } })
      }
      sim.github.comments.push({
        id: 500,
        issue: 7,
        body: '<!-- defender-secure-score-action tenant=72f988bf-86f1-41af-91ab-2d7cd011db47 -->\nold',
        html_url: 'https://github.com/octo-org/octo-repo/pull/7#issuecomment-500',
        user: { login: 'github-actions[bot]' }
      })
      const result = await run(sim, { 'comment-on-pr': 'true' }, pullRequestRun(sim))
      assert.equal(result.exitCode, 0, result.stdout)
      assert.equal(sim.github.comments.length, 131)
      assert.match(sim.github.comments.at(-1)?.body ?? '', /Device secure score: 340 points/)
      assert.equal(sim.github.comments[0]?.body, 'chatter 0')
      assert.equal(result.outputs['comment-url'], 'https://github.com/octo-org/octo-repo/pull/7#issuecomment-500')
    }))

  it('retries reading the comments, but never creating one: a lost answer could mean a second comment', () =>
    withSim(async sim => {
      sim.script.github.push({ status: 200, body: '{"data":{"viewer":{"login":"github-actions[bot]"}}}' })
      sim.script.github.push({ status: 503, headers: { 'Retry-After': '0' }, body: '{"message":"Service Unavailable"}' })
      sim.script.github.push({ status: 200, body: '[]' }, { status: 502, body: '{"message":"Bad Gateway"}' })
      const result = await run(sim, { 'comment-on-pr': 'true', 'min-score': '300' }, pullRequestRun(sim))
      assert.equal(result.exitCode, 0, result.stdout)
      assert.deepEqual(
        sim.requestsTo('github').map(request => `${request.method} ${request.status}`),
        ['POST 200', 'GET 503', 'GET 200', 'POST 502']
      )
      assert.match(
        annotations(result, 'warning')[0] ?? '',
        /^Could not comment on pull request #7: GitHub's API answered POST \/repos\/octo-org\/octo-repo\/issues\/7\/comments with HTTP 502: Bad Gateway\.$/
      )
    }))

  it('warns, and still passes, when the token is read-only (a fork)', () =>
    withSim(async sim => {
      sim.github.readOnly = true
      const result = await run(sim, { 'comment-on-pr': 'true', 'min-score': '300' }, pullRequestRun(sim))
      assert.equal(result.exitCode, 0, result.stdout)
      const [warning] = annotations(result, 'warning')
      assert.match(
        warning ?? '',
        /^Could not comment on pull request #7: GitHub's API answered POST \/repos\/octo-org\/octo-repo\/issues\/7\/comments with HTTP 403: Resource not accessible by integration/
      )
      assert.match(
        warning ?? '',
        /pull requests from forks get a read-only token; otherwise give the job 'permissions: pull-requests: write'/
      )
      assert.equal(result.outputs['comment-url'], '', 'empty: no comment was written')
      assert.equal(sim.github.comments.length, 0)
    }))

  it('skips, with an info line, on events other than pull requests', () =>
    withSim(async sim => {
      const options = pullRequestRun(sim)
      const result = await run(
        sim,
        { 'comment-on-pr': 'true' },
        { ...options, event: { name: 'push', payload: { ref: 'refs/heads/main' } } }
      )
      assert.equal(result.exitCode, 0, result.stdout)
      assert.match(result.stdout, /^comment-on-pr: skipped, this run's event is 'push', not a pull request\.$/m)
      assert.equal(sim.requestsTo('github').length, 0)
    }))

  it('warns, and skips, when a pull request event names no pull request', () =>
    withSim(async sim => {
      const options = pullRequestRun(sim)
      const result = await run(sim, { 'comment-on-pr': 'true' }, { ...options, event: { name: 'pull_request', payload: {} } })
      assert.equal(result.exitCode, 0, result.stdout)
      assert.match(
        annotations(result, 'warning')[0] ?? '',
        /^comment-on-pr: skipped, the runner gave no pull request number \(GITHUB_EVENT_PATH\)/
      )
      assert.equal(sim.requestsTo('github').length, 0)
    }))

  it('needs a github-token, said before any request', () =>
    withSim(async sim => {
      const result = await run(sim, { 'comment-on-pr': 'true', 'github-token': '' }, pullRequestRun(sim))
      assert.equal(result.exitCode, 1)
      assert.match(onlyError(result), /^comment-on-pr is true but github-token is empty/)
      assert.equal(sim.requests.length, 0)
    }))

  it('refuses a clear-text GITHUB_API_URL that is not loopback', () =>
    withSim(async sim => {
      const result = await run(sim, { 'comment-on-pr': 'true' }, pullRequestRun(sim, { GITHUB_API_URL: 'http://ghes.example.com/api/v3' }))
      assert.equal(result.exitCode, 1)
      assert.match(onlyError(result), /^Invalid GITHUB_API_URL 'http:\/\/ghes\.example\.com\/api\/v3'\. Expected an https:\/\/ URL/)
      assert.equal(sim.requests.length, 0)
    }))
})
