/**
 * Hardening, end to end: every fault mode of the network and the services, each in its own test,
 * and one secret-leak sweep over every scenario. Runs are debug runs (RUNNER_DEBUG=1), so what
 * core.debug prints is swept too. Waits run on the harness's fast clock; only the deadline faults
 * take real time (timeout-seconds 1), and they are timed against that deadline.
 */
import assert from 'node:assert/strict'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { before, describe, it } from 'node:test'
import { annotations, onlyError, runAction, secretsInPlay, visibleText, withSim, type ActionRun } from '../support/harness.js'
import { createFixtures, FAULTS, SCENARIOS, type Fixtures, type Scenario } from '../support/scenarios.js'
import { keyLines } from '../sim/pki.js'
import { PLANTED, type Simulator } from '../sim/simulator.js'
import { markdownProblems } from '../support/github-markdown.js'

/** Node's start-up and the action's own work, on top of the fault's worst case; generous for busy CI machines. */
const START_UP_ALLOWANCE_MS = 5000
const PARALLEL_RUNS = 4

/** What a secret-bearing kind of credential looks like on the wire, to prove the sweep was not vacuous. */
type SecretKind = 'client secret' | 'OIDC ID token' | 'certificate assertion' | 'access token' | 'GitHub token'

interface Played {
  run: ActionRun
  /** What GitHub's renderer would show wrongly of the summary, the comments and the issues (see ../support/github-markdown.ts). */
  rendering: string[]
  /** Every planted secret that was in play, and where each one was found in sight, if anywhere. */
  leaks: string[]
  /** Kinds of secret that actually crossed the wire in this run. */
  exercised: Set<SecretKind>
}

let fixtures: Fixtures

before(async () => {
  fixtures = await createFixtures()
})

/** Runs one scenario in a fresh simulator and workspace, then sweeps everything anyone could see. */
async function play(scenario: Scenario): Promise<Played> {
  const workspace = await mkdtemp(join(tmpdir(), 'secure-score-hardening-'))
  try {
    return await withSim(async sim => {
      const options = await scenario.arrange(sim, fixtures, workspace)
      const run = await runAction({
        ...options,
        workspace,
        env: { ...options.env, RUNNER_DEBUG: '1' },
        killAfterMs: (scenario.worstCaseMs ?? 0) + 30_000
      })
      const artefacts = await Promise.all((await readdir(workspace)).map(name => readFile(join(workspace, name), 'utf8')))
      const seen = [visibleText(run), ...artefacts, ...publishedBodies(sim)].join('\n')
      const secrets = plantedSecrets(sim, options.inputs ?? {})
      const leaks = secrets.filter(secret => seen.includes(secret)).map(secret => `${secret.slice(0, 12)}...`)
      if (seen.includes(PLANTED)) {
        leaks.push(`the mark ${PLANTED}: ${seen.slice(Math.max(0, seen.indexOf(PLANTED) - 60), seen.indexOf(PLANTED) + 40)}`)
      }
      const rendering = [
        ...markdownProblems(run.summary, 'summary'),
        ...sim.github.comments.flatMap(comment => markdownProblems(comment.body, 'comment')),
        ...sim.github.issues.flatMap(issue => markdownProblems(issue.body, 'issue'))
      ]
      const published = publishedBodies(sim).join('\n')
      const echoes =
        scenario.published && !scenario.published.test(published) ? [`no published body shows ${String(scenario.published)}`] : []
      return { run, leaks, rendering: [...rendering, ...echoes], exercised: exercisedKinds(sim) }
    })
  } finally {
    await rm(workspace, { recursive: true, force: true })
  }
}

/**
 * Every body the action published through GitHub's API, where the runner masks nothing: issues
 * (titles and bodies), comments, files and commit messages on branches, and every JSON body it sent.
 */
function publishedBodies(sim: Simulator): string[] {
  return [
    ...sim.github.issues.flatMap(issue => [issue.title, issue.body]),
    ...sim.github.comments.map(comment => comment.body),
    ...[...sim.github.branches.values()].flatMap(files => [...files.values()].map(content => content.toString('utf8'))),
    ...sim.github.historyCommits.map(commit => commit.message),
    ...sim.requestsTo('github').map(request => JSON.stringify(request.json ?? null))
  ]
}

function plantedSecrets(sim: Simulator, inputs: Record<string, string>): string[] {
  const given = ['client-secret', 'access-token', 'client-certificate-password', 'github-token'].map(name => inputs[name])
  const candidates = [
    ...secretsInPlay(sim),
    ...given,
    fixtures.keyPassword,
    ...[fixtures.certificate, fixtures.stranger, fixtures.expired].flatMap(keyLines)
  ]
  return [...new Set(candidates.filter((value): value is string => value !== undefined && value.length >= 16))]
}

function exercisedKinds(sim: Simulator): Set<SecretKind> {
  const kinds = new Set<SecretKind>()
  for (const request of sim.requestsTo('entra')) {
    if (request.form['client_secret'] === sim.entra.app.secret) kinds.add('client secret')
    const assertion = request.form['client_assertion']
    if (assertion && sim.issuedSecrets.includes(assertion)) kinds.add('OIDC ID token')
    if (assertion && !sim.issuedSecrets.includes(assertion)) kinds.add('certificate assertion')
  }
  if (sim.requestsTo('api').some(request => request.authorization?.startsWith(`Bearer ${PLANTED}-token.`))) kinds.add('access token')
  if (sim.requestsTo('github').some(request => request.authorization?.endsWith(sim.github.token))) kinds.add('GitHub token')
  return kinds
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function inPool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

describe('hardening', { concurrency: true }, () => {
  describe(`fault injection (${FAULTS.length} modes)`, { concurrency: PARALLEL_RUNS }, () => {
    for (const fault of FAULTS) {
      it(fault.name, async () => {
        const { run, leaks } = await play(fault)
        assert.equal(run.exitCode, fault.exitCode, run.stdout)
        if (fault.worstCaseMs !== undefined) {
          const limit = fault.worstCaseMs + START_UP_ALLOWANCE_MS
          assert.ok(run.durationMs <= limit, `ended in ${Math.round(run.durationMs)} ms, within ${limit} ms`)
        }
        if (fault.exitCode === 1) {
          assert.match(onlyError(run), fault.error ?? /./)
          assert.equal(run.outputs['passed'], 'false', 'a failed reading is a failed tenant, reported')
          assert.equal(run.outputs['score'], '', 'no score from a failed reading')
        } else {
          assert.equal(annotations(run, 'error').length, 0)
          assert.ok(run.outputs['score'], 'the score was still read and reported')
        }
        for (const warning of annotations(run, 'warning')) {
          assert.doesNotMatch(warning, /\.\.$/, 'a warning ends with one full stop')
        }
        if (fault.warning) {
          assert.ok(
            annotations(run, 'warning').some(warning => fault.warning?.test(warning)),
            `a warning matching ${String(fault.warning)} in:\n${run.stdout}`
          )
        }
        assert.deepEqual(leaks, [])
      })
    }
  })

  it(`secret-leak sweep: ${SCENARIOS.length} scenarios, debug logging on, nothing planted is ever shown, everything posted renders inert`, async () => {
    const results = await inPool(SCENARIOS, PARALLEL_RUNS, async scenario => ({ scenario, played: await play(scenario) }))
    const problems = results.flatMap(({ scenario, played }) => [
      ...played.leaks.map(leak => `${scenario.name}: leaked ${leak}`),
      ...played.rendering.map(problem => `${scenario.name}: ${problem}`),
      ...(played.run.exitCode === scenario.exitCode
        ? []
        : [`${scenario.name}: exit ${played.run.exitCode}, expected ${scenario.exitCode}`]),
      ...(scenario.exitCode === 1 && !(scenario.error ?? /./).test(annotations(played.run, 'error').join('\n'))
        ? [`${scenario.name}: error ${JSON.stringify(annotations(played.run, 'error'))} does not match ${String(scenario.error)}`]
        : [])
    ])
    assert.deepEqual(problems, [])
    const exercised = new Set(results.flatMap(({ played }) => [...played.exercised]))
    assert.deepEqual(
      [...exercised].sort(),
      ['GitHub token', 'OIDC ID token', 'access token', 'certificate assertion', 'client secret'],
      'every kind of planted secret crossed the wire in some scenario'
    )
  })
})
