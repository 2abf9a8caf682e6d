/**
 * Unforgeable: nothing from a file, an API answer or another user can steer the gate or the log.
 * One test (or a few) per promise of the README's security section, run as the runner runs the action.
 */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { RECOMMENDATIONS_PATH } from '../../src/sources/recommendations/answers.js'
import { SCORE_PATH } from '../../src/sources/score/source.js'
import { onScore } from '../sim/defender.js'
import { json, type Simulator } from '../sim/simulator.js'
import {
  annotations,
  onlyError,
  pullRequestRun,
  runAction,
  secretInputs,
  visibleText,
  withSim,
  type ActionRun,
  type RunOptions
} from '../support/harness.js'

async function withWorkspace<T>(test: (workspace: string) => Promise<T>): Promise<T> {
  const workspace = await mkdtemp(join(tmpdir(), 'secure-score-unforgeable-'))
  try {
    return await test(workspace)
  } finally {
    await rm(workspace, { recursive: true, force: true })
  }
}

function run(sim: Simulator, inputs: Record<string, string>, options: Omit<RunOptions, 'inputs'> = {}): Promise<ActionRun> {
  return runAction({ ...options, inputs: { ...secretInputs(sim), recommendations: '0', ...inputs } })
}

/** Lines of stdout the runner would obey as workflow commands, other than the action's own masks and annotations. */
function forgedCommands(result: ActionRun): string[] {
  return result.stdout.split('\n').filter(
    line =>
      // The action's own annotations, titled by it or not (a title is its own words: counts of checks).
      /^::(?!add-mask::PLANTED|add-mask::ghs_|debug::|(?:warning|error|notice)(?: title=[\w ()%]*)?::)/.test(line) ||
      /^::add-mask::(340|x)$/.test(line)
  )
}

const entry = (sim: Simulator, time: string, score: number, tenant = sim.tenantId): string =>
  JSON.stringify({ time, score, exposure: null, tenant, apiHost: new URL(sim.apiUrl).host })

describe('1. workflow-command injection', () => {
  it('a history line whose time holds a line break and ::commands:: starts no line of the log', () =>
    withSim(sim =>
      withWorkspace(async workspace => {
        const forged = JSON.stringify({
          time: '2026-11-23T08:00:00Z\n::error::forged\n::add-mask::340\n::stop-commands::x',
          score: 340,
          tenant: sim.tenantId
        })
        await writeFile(join(workspace, 'history.jsonl'), `${forged}\n${entry(sim, '2026-11-23T09:00:00Z', 345)}\n`)
        const result = await run(sim, { 'history-file': 'history.jsonl', 'max-drop': '10', 'min-score': '1' }, { workspace })
        assert.equal(result.exitCode, 0, result.stdout)
        assert.deepEqual(forgedCommands(result), [])
        assert.doesNotMatch(result.stdout, /^::error::forged/m)
        assert.equal(result.outputs['previous-score'], '345', 'the forged line is not a reading')
      })
    ))

  it('an API time that Date.parse would take ("2026-11-23 (\\n::add-mask::340\\n)") is refused, not logged', () =>
    withSim(async sim => {
      sim.defender.score = { score: 340, time: '2026-11-23 (\n::add-mask::340\n::error::x\n)' }
      const result = await run(sim, {})
      assert.equal(result.exitCode, 1)
      assert.match(onlyError(result), /its time is "2026-11-23 \(\\n::add-mask::340\\n::error::x\\n\)", not an ISO 8601 date and time/)
      assert.deepEqual(forgedCommands(result), [])
      assert.equal(result.outputs['passed'], 'false')
      assert.equal(result.outputs['score-time'], '', 'the refused time reaches no output')
      assert.ok(
        Object.values(result.outputs).every(value => !value.includes('\n')),
        'no output carries a line break'
      )
    }))

  for (const time of ['1', 'junk 1 junk', '2026-11-23', '2026-11-23T08:00:00']) {
    it(`refuses the API time ${JSON.stringify(time)}: times are strict ISO 8601`, () =>
      withSim(async sim => {
        sim.defender.score = { score: 340, time }
        const result = await run(sim, {})
        assert.equal(result.exitCode, 1)
        assert.match(onlyError(result), /not an ISO 8601 date and time/)
      }))
  }
})

describe('2. comments by others', () => {
  const marker = (sim: Simulator) => `<!-- defender-secure-score-action tenant=${sim.tenantId} -->`

  it("never edits a maintainer's comment that quotes the marker, nor an outsider's posted first", () =>
    withSim(async sim => {
      sim.github.comments.push(
        {
          id: 1,
          issue: 7,
          body: `${marker(sim)}\nfake ✅ from an outsider`,
          html_url: 'https://github.com/o/r/pull/7#issuecomment-1',
          user: { login: 'outsider' }
        },
        {
          id: 2,
          issue: 7,
          body: `Quoting the bot:\n${marker(sim)}`,
          html_url: 'https://github.com/o/r/pull/7#issuecomment-2',
          user: { login: 'maintainer' }
        }
      )
      const result = await run(sim, { 'comment-on-pr': 'true', 'min-score': '400' }, pullRequestRun(sim))
      assert.equal(result.exitCode, 1)
      assert.equal(sim.github.comments.find(comment => comment.id === 1)?.body, `${marker(sim)}\nfake ✅ from an outsider`)
      assert.equal(sim.github.comments.find(comment => comment.id === 2)?.body, `Quoting the bot:\n${marker(sim)}`)
      const own = sim.github.comments.filter(comment => comment.user.login === 'github-actions[bot]')
      assert.equal(own.length, 1)
      assert.match(own[0]?.body ?? '', /❌/)
      assert.equal(result.outputs['comment-url'], own[0]?.html_url)
    }))
})

describe('3. racing runs', () => {
  it('5 runs at once on one pull request leave one comment, holding the last report written', () =>
    withSim(async sim => {
      sim.latencyMs = 5
      const scores = [301, 302, 303, 304, 305]
      const finished: number[] = []
      await Promise.all(
        scores.map(async score => {
          sim.script.api.push(onScore(json(200, { time: new Date().toISOString(), score })))
          const result = await run(sim, { 'comment-on-pr': 'true', 'min-score': '300' }, pullRequestRun(sim))
          assert.equal(result.exitCode, 0, result.stdout)
          finished.push(Number(result.outputs['score']))
        })
      )
      assert.equal(sim.github.comments.length, 1, 'one comment remains')
      // The last write is each run's last request, so it is the run that finished last, up to the
      // milliseconds a process takes to exit (which a busy machine can reorder).
      const writes = sim
        .requestsTo('github')
        .filter(request => request.path !== '/graphql' && (request.method === 'PATCH' || request.method === 'POST'))
      const lastBody = (writes.at(-1)?.json as { body?: string } | undefined)?.body
      assert.equal(sim.github.comments[0]?.body, lastBody, `finished: ${finished.join(', ')}`)
    }))
})

describe('4. paths stay in the workspace', () => {
  for (const [input, value] of [
    ['history-file', '../outside.jsonl'],
    ['badge-file', '/tmp/badge-outside.svg']
  ] as const) {
    it(`refuses ${input} '${value}' before any request, naming the input`, () =>
      withSim(async sim => {
        const result = await run(sim, { [input]: value })
        assert.equal(result.exitCode, 1)
        assert.match(onlyError(result), new RegExp(`^Invalid ${input} '${value.replace(/\./g, '\\.')}': it is outside the workspace`))
        assert.equal(sim.requests.length, 0)
      }))
  }

  it('does not follow a symlink: the badge is not written through it, the history not appended through it', () =>
    withSim(sim =>
      withWorkspace(async workspace => {
        const outside = await mkdtemp(join(tmpdir(), 'secure-score-target-'))
        try {
          await writeFile(join(outside, 'victim'), 'precious\n')
          await symlink(join(outside, 'victim'), join(workspace, 'badge.svg'))
          await symlink(join(outside, 'victim'), join(workspace, 'history.jsonl'))
          await symlink(outside, join(workspace, 'linked-folder'))
          const result = await run(sim, { 'badge-file': 'badge.svg', 'history-file': 'history.jsonl', 'min-score': '1' }, { workspace })
          assert.equal(result.exitCode, 0, result.stdout)
          assert.equal(await readFile(join(outside, 'victim'), 'utf8'), 'precious\n')
          assert.ok(
            annotations(result, 'warning').some(warning => /badge-file could not be written: .*symbolic link/.test(warning)),
            result.stdout
          )
          const viaFolder = await run(sim, { 'history-file': 'linked-folder/history.jsonl' }, { workspace })
          assert.ok(
            annotations(viaFolder, 'warning').some(warning => /outside the workspace .* once symlinks are resolved/.test(warning)),
            viaFolder.stdout
          )
          assert.equal(await readFile(join(outside, 'victim'), 'utf8'), 'precious\n')
        } finally {
          await rm(outside, { recursive: true, force: true })
        }
      })
    ))
})

describe('5. reads with a bound', () => {
  it('a FIFO as history-file neither hangs the job nor is read', () =>
    withSim(sim =>
      withWorkspace(async workspace => {
        execFileSync('mkfifo', [join(workspace, 'history.jsonl')])
        const result = await run(sim, { 'history-file': 'history.jsonl' }, { workspace, killAfterMs: 20_000 })
        assert.equal(result.exitCode, 0, result.stdout)
        assert.match(annotations(result, 'warning').join('\n'), /history-file could not be read \(.*not a regular file\)/)
      })
    ))

  it('a history past 16 MiB is read from its end: max-drop still checks the newest reading', () =>
    withSim(sim =>
      withWorkspace(async workspace => {
        const filler = `${entry(sim, '2020-01-01T00:00:00Z', 999)}\n`.repeat(Math.ceil((17 * 1024 * 1024) / 120))
        await writeFile(join(workspace, 'history.jsonl'), `${filler}${entry(sim, '2026-11-23T08:00:00Z', 400)}\n`)
        const result = await run(sim, { 'history-file': 'history.jsonl', 'max-drop': '10' }, { workspace })
        assert.equal(result.exitCode, 1)
        assert.match(onlyError(result), /^Device secure score fell by 60 points, more than max-drop 10/)
        assert.match(annotations(result, 'warning').join('\n'), /larger than the 16 MiB the action reads; only its newest 16 MiB were read/)
        assert.match(
          await readFile(join(workspace, 'history.jsonl'), 'utf8').then(text => text.split('\n').at(-2) ?? ''),
          /"score":340/,
          'and the reading is still appended'
        )
      })
    ))
})

describe('6. tokens stay with the configured API', () => {
  it('a Link to another host is not followed with the github-token', () =>
    withSim(async sim => {
      const other = await withSim(async decoy => {
        for (let index = 0; index < 120; index++) {
          sim.github.comments.push({
            id: index + 1,
            issue: 7,
            body: 'chatter',
            html_url: `https://github.com/o/r/pull/7#issuecomment-${index + 1}`,
            user: { login: 'someone' }
          })
        }
        sim.github.nextPageOrigin = decoy.githubApiUrl.replace('127.0.0.1', 'localhost')
        const result = await run(sim, { 'comment-on-pr': 'true' }, pullRequestRun(sim))
        assert.equal(result.exitCode, 0, result.stdout)
        assert.match(
          annotations(result, 'warning').join('\n'),
          /pointed the next page at http:\/\/localhost:\d+, not at http:\/\/127\.0\.0\.1:\d+/
        )
        return decoy.requestsTo('github').length
      })
      assert.equal(other, 0, 'the other host never received a request')
    }))
})

describe('7. same tenant, other spelling', () => {
  it('upper-case GUID, a BOM, readings out of order and one dated 2099: max-drop compares with the newest earlier reading', () =>
    withSim(sim =>
      withWorkspace(async workspace => {
        const lines = [
          entry(sim, '2026-11-23T09:00:00Z', 900, sim.tenantId.toUpperCase()),
          entry(sim, '2026-11-20T09:00:00Z', 300),
          entry(sim, '2099-01-01T00:00:00Z', 100)
        ]
        await writeFile(join(workspace, 'history.jsonl'), `\uFEFF${lines.join('\n')}\n`)
        const result = await run(sim, { 'history-file': 'history.jsonl', 'max-drop': '10' }, { workspace })
        assert.equal(result.exitCode, 1)
        assert.match(onlyError(result), /^Device secure score fell by 560 points, more than max-drop 10: from 900 at 2026-11-23T09:00:00Z/)
        assert.match(annotations(result, 'warning').join('\n'), /1 reading\(s\) of this tenant dated after this run's/)
      })
    ))

  it('a verified domain in another case is the same tenant', () =>
    withSim(sim =>
      withWorkspace(async workspace => {
        await writeFile(join(workspace, 'history.jsonl'), `${entry(sim, '2026-11-23T09:00:00Z', 900, 'Contoso.onmicrosoft.com')}\n`)
        const result = await run(
          sim,
          { 'tenant-id': 'contoso.onmicrosoft.com', 'history-file': 'history.jsonl', 'max-drop': '10' },
          { workspace }
        )
        assert.equal(result.exitCode, 1)
        assert.match(onlyError(result), /fell by 560 points/)
      })
    ))
})

describe('8. secrets in echoed bodies', () => {
  it('an authority-host that echoes the form shows no part of the client secret, in any encoding', () =>
    withSim(async sim => {
      sim.script.entra.push({
        status: 400,
        headers: { 'Content-Type': 'text/html' },
        body: `<html>echo: client_secret=${encodeURIComponent(sim.entra.app.secret ?? '')}</html>`
      })
      sim.script.entra.push(
        json(400, {
          error: 'invalid_request',
          error_description: `AADSTS900144: echo ${encodeURIComponent(sim.entra.app.secret ?? '').slice(3, 30)}`
        })
      )
      for (let attempt = 0; attempt < 2; attempt++) {
        const result = await run(sim, {})
        assert.equal(result.exitCode, 1)
        const secret = sim.entra.app.secret ?? ''
        const visible = visibleText(result)
        for (let start = 0; start + 12 <= secret.length; start++) {
          assert.ok(!visible.includes(secret.slice(start, start + 12)), `a piece of the secret at ${start} is shown:\n${visible}`)
          assert.ok(
            !visible.includes(encodeURIComponent(secret).slice(start, start + 12)),
            `a piece of the URL-encoded secret is shown:\n${visible}`
          )
        }
      }
    }))

  it('an API that echoes a cut bearer token shows no piece of it', () =>
    withSim(async sim => {
      const token = sim.issueAccessToken()
      sim.script.api.push(
        onScore(json(403, { error: { code: 'Forbidden', message: `token ${token.slice(5, 40)} is not allowed`, target: 'r1' } }))
      )
      const result = await run(sim, { 'access-token': token, 'client-secret': '' })
      assert.equal(result.exitCode, 1)
      assert.ok(!visibleText(result).includes(token.slice(10, 30)), result.stdout)
      assert.match(onlyError(result), /Forbidden: token \*\*\* is not allowed \(request id r1\)/)
    }))
})

describe('9. extras that hang', () => {
  it('a hung recommendations request adds at most the 5 s grace (on the fast clock) after the score', () =>
    withSim(async sim => {
      sim.script.api.push({ status: 200, fault: 'hang', path: RECOMMENDATIONS_PATH })
      const pullRequest = pullRequestRun(sim)
      const result = await run(
        sim,
        { recommendations: '5', 'min-score': '1', 'comment-on-pr': 'true' },
        { ...pullRequest, env: { ...pullRequest.env, FAST_CLOCK_GRACE: 'scaled' } }
      )
      assert.equal(result.exitCode, 0, result.stdout)
      assert.match(annotations(result, 'warning').join('\n'), /^Recommendations skipped: no answer within 5 s after the score/)
      // The fast clock makes the 5 s grace 50 ms: the run moves on to GitHub that long after the score, give or take a
      // busy machine, never the 3 s a grace 60 times longer would take, nor timeout-seconds (30 s).
      const score = sim.requestsTo('api', SCORE_PATH)[0]
      const next = sim.requestsTo('github')[0]
      assert.ok(score && next)
      const gap = next.receivedAt - score.answeredAt
      assert.ok(gap < 1500, `the run went on ${gap} ms after the score`)
    }))
})

describe('11. messages that agree with the numbers', () => {
  it('339.996 against min-score 340 says so, with the difference', () =>
    withSim(async sim => {
      sim.defender.score = { score: 339.996 }
      const result = await run(sim, { 'min-score': '340' })
      assert.equal(result.exitCode, 1)
      assert.equal(onlyError(result), 'Device secure score 339.996 is below the threshold min-score 340 (short by 0.004 points).')
      assert.equal(result.outputs['score'], '339.996')
    }))

  it('prints a huge score in plain decimal', () =>
    withSim(async sim => {
      sim.defender.score = { score: 1e21 }
      const result = await run(sim, {})
      assert.equal(result.outputs['score'], '1000000000000000000000')
      assert.doesNotMatch(result.summary, /e\+/)
    }))
})

describe('12. errors that blame the right thing', () => {
  it('a body over 8 MiB is not retried, and says what to check', () =>
    withSim(async sim => {
      sim.script.api.push(onScore({ status: 200, body: `{"pad":"${'x'.repeat(9 * 1024 * 1024)}"}` }))
      const result = await run(sim, { 'max-retries': '3' })
      assert.equal(result.exitCode, 1)
      assert.equal(sim.requestsTo('api', SCORE_PATH).length, 1, 'not retried')
      assert.match(onlyError(result), /larger than 8 MiB[\s\S]*Check that the URL is the service the action expects/)
    }))

  it('an access-token holding a line break is refused as an input, before any request', () =>
    withSim(async sim => {
      const token = sim.issueAccessToken()
      // The runner trims a trailing line break; one inside the value is what reaches the action.
      const result = await run(sim, { 'access-token': `${token.slice(0, 20)}\n${token.slice(20)}`, 'client-secret': '' })
      assert.equal(result.exitCode, 1)
      assert.match(onlyError(result), /^Invalid access-token: it holds a space, a line break/)
      assert.equal(sim.requests.length, 0)
    }))

  it('an unwritable summary file is a warning; the verdict (below min-score) stays the error', () =>
    withSim(async sim => {
      const result = await run(sim, { 'min-score': '400' }, { env: { GITHUB_STEP_SUMMARY: '/proc/version' } })
      assert.equal(result.exitCode, 1)
      assert.match(onlyError(result), /^Device secure score 340 is below the threshold min-score 400/)
      assert.match(annotations(result, 'warning').join('\n'), /^The job summary could not be written: The runner's file system refused/m)
    }))

  it('a GitHub 301 says what happened and what to check, and the gate still decides', () =>
    withSim(async sim => {
      sim.script.github.push({
        status: 301,
        headers: { Location: 'https://elsewhere.example/api' },
        body: '{"message":"Moved Permanently"}'
      })
      const result = await run(sim, { 'comment-on-pr': 'true', 'min-score': '300' }, pullRequestRun(sim))
      assert.equal(result.exitCode, 0, result.stdout)
      assert.match(
        annotations(result, 'warning').join('\n'),
        /HTTP 301: Moved Permanently\. GitHub redirected the request: check GITHUB_API_URL/
      )
    }))
})
