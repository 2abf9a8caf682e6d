/**
 * Runs the bundled action as the GitHub runner does: a separate `node dist/index.js` process with
 * INPUT_* variables (action.yml defaults filled in), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parse } from 'yaml'
import { INPUT_NAMES, type RawInputs } from '../../src/config/inputs.js'
import { Simulator, type SimulatorOptions } from '../sim/simulator.js'
import type { ReportJson } from '../../src/report/report-json.js'

/** The repository root (this file runs from build/test/support/). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
export const ACTION_ENTRY = join(ROOT, 'dist', 'index.js')

export interface ActionMetadata {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
  outputs: Record<string, { description: string }>
  runs: { using: string; main: string }
}

/** action.yml, read once a test process: every run reads its defaults, and hundreds of runs would parse it hundreds of times. */
let metadata: Promise<ActionMetadata> | undefined

export function readActionMetadata(): Promise<ActionMetadata> {
  metadata ??= readFile(join(ROOT, 'action.yml'), 'utf8').then(text => parse(text) as ActionMetadata)
  return metadata
}

/** Raw inputs as the runner would pass them for a workflow that sets only `overrides` (and an app). */
export function rawInputs(overrides: Partial<RawInputs> = {}): RawInputs {
  return {
    ...inputDefaults(),
    'tenant-id': 'contoso.onmicrosoft.com',
    'client-id': '3b2e8f41-5c6d-4e7f-8a9b-0c1d2e3f4a5b',
    'github-token': 'ghs_unit-test-token',
    ...overrides
  }
}

let defaults: RawInputs | undefined

/** action.yml's input defaults, read once: the fuzz tests ask for them thousands of times. */
function inputDefaults(): RawInputs {
  if (defaults === undefined) {
    const metadata = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionMetadata
    defaults = Object.fromEntries(INPUT_NAMES.map(name => [name, metadata.inputs[name]?.default ?? ''])) as RawInputs
  }
  return defaults
}

export interface ActionRun {
  exitCode: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  durationMs: number
}

export interface RunOptions {
  /** Inputs as a workflow's `with:` gives them; action.yml defaults fill the rest. */
  inputs?: Record<string, string>
  /** Extra environment, e.g. ACTIONS_ID_TOKEN_REQUEST_URL; undefined removes a variable. */
  env?: Record<string, string | undefined>
  /** Kill the process after this long, so a hang fails the test instead of stalling the suite. */
  killAfterMs?: number
  /** The event that triggered the run: GITHUB_EVENT_NAME and the payload at GITHUB_EVENT_PATH. */
  event?: { name: string; payload: Record<string, unknown> }
  /** What `${{ github.token }}` evaluates to in input defaults. */
  githubToken?: string
  /** GITHUB_WORKSPACE; the test owns it (runs may share it). A fresh, discarded one by default. */
  workspace?: string
  /** Options for node before the script, e.g. `--import` of a probe (the benchmark's memory runs). */
  nodeArgs?: string[]
  /**
   * Waits (backoffs, Retry-After) last this fraction of their time: {@link FAST_CLOCK} unless a test
   * measures real waits (1). Deadlines (timeout-seconds) are never scaled.
   */
  clockScale?: number
}

/** Every wait in an end-to-end run lasts 1/100 of its time unless a test asks otherwise. */
export const FAST_CLOCK = 0.01
const FAST_CLOCK_MODULE = join(dirname(fileURLToPath(import.meta.url)), 'fast-clock.js')

/** The runner's name for an input's variable: INPUT_ + upper case, spaces to underscores. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

export async function runAction(options: RunOptions = {}): Promise<ActionRun> {
  const metadata = await readActionMetadata()
  const workDir = await mkdtemp(join(tmpdir(), 'secure-score-run-'))
  const outputFile = join(workDir, 'output.txt')
  const summaryFile = join(workDir, 'summary.md')
  await writeFile(outputFile, '')
  await writeFile(summaryFile, '')
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: workDir,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: options.workspace ?? workDir,
    RUNNER_TEMP: workDir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile
  }
  for (const [name, input] of Object.entries(metadata.inputs)) {
    // The runner evaluates expressions in defaults; github.token is the only one action.yml uses.
    env[inputVariable(name)] = (input.default ?? '').replace('${{ github.token }}', options.githubToken ?? '')
  }
  if (options.event) {
    const eventFile = join(workDir, 'event.json')
    await writeFile(eventFile, JSON.stringify(options.event.payload))
    env['GITHUB_EVENT_NAME'] = options.event.name
    env['GITHUB_EVENT_PATH'] = eventFile
  }

  for (const [name, value] of Object.entries(options.inputs ?? {})) {
    env[inputVariable(name)] = value
  }
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) {
      delete env[name]
    } else {
      env[name] = value
    }
  }
  try {
    const started = performance.now()
    const scale = options.clockScale ?? FAST_CLOCK
    const clockArgs = scale === 1 ? [] : ['--import', pathToFileURL(FAST_CLOCK_MODULE).href]
    if (scale !== 1) {
      env['FAST_CLOCK_SCALE'] = String(scale)
    }
    const args = [...clockArgs, ...(options.nodeArgs ?? []), ACTION_ENTRY]
    const { exitCode, stdout, stderr } = await spawnNode(args, env, options.killAfterMs ?? 60_000)
    return {
      exitCode,
      stdout,
      stderr,
      durationMs: performance.now() - started,
      outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
      summary: await readFile(summaryFile, 'utf8')
    }
  } finally {
    await rm(workDir, { recursive: true, force: true })
  }
}

/** Runs node with `args` in exactly `env`; kills it after `killAfterMs`. */
export function spawnNode(
  args: string[],
  env: Record<string, string>,
  killAfterMs: number
): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs)
    child.on('error', reject)
    child.on('close', exitCode => {
      clearTimeout(killer)
      resolvePromise({ exitCode, stdout, stderr })
    })
  })
}

/** Parses the `name<<DELIMITER` blocks @actions/core writes to GITHUB_OUTPUT. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let index = 0; index < lines.length; index++) {
    const header = /^([^<]+)<<(.+)$/.exec(lines[index] ?? '')
    if (!header) {
      continue
    }
    const [, name = '', delimiter] = header
    const value: string[] = []
    while (++index < lines.length && lines[index] !== delimiter) {
      value.push(lines[index] ?? '')
    }
    outputs[name] = value.join('\n')
  }
  return outputs
}

/** Inputs that point the action at the simulator and sign in with its app's client secret. */
export function secretInputs(sim: Simulator): Record<string, string> {
  return {
    'tenant-id': sim.tenantId,
    'client-id': sim.entra.app.clientId,
    'client-secret': sim.entra.app.secret ?? '',
    'api-url': sim.apiUrl,
    'authority-host': sim.entraUrl
  }
}

/** Inputs and runner environment for the OIDC flow against the simulator. */
export function oidcRun(sim: Simulator): Pick<RunOptions, 'inputs' | 'env'> {
  return {
    inputs: {
      'tenant-id': sim.tenantId,
      'client-id': sim.entra.app.clientId,
      'api-url': sim.apiUrl,
      'authority-host': sim.entraUrl
    },
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: sim.oidcRequestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: sim.oidc.requestToken
    }
  }
}

/** The commit pull request #7 is based on: the simulator's contents API answers for it as for a branch. */
export const BASE_SHA = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d'

/** The runner's environment for a run triggered by pull request #7, with GitHub's REST API in the simulator. */
export function pullRequestRun(sim: Simulator, extra: Record<string, string> = {}): Omit<RunOptions, 'inputs'> {
  return {
    githubToken: sim.github.token,
    event: {
      name: 'pull_request',
      payload: {
        pull_request: { number: 7, base: { ref: 'main', sha: BASE_SHA } },
        repository: { name: 'octo-repo', owner: { login: 'octo-org' }, default_branch: 'main' }
      }
    },
    env: {
      GITHUB_API_URL: sim.githubApiUrl,
      GITHUB_REPOSITORY: 'octo-org/octo-repo',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '4242',
      ...extra
    }
  }
}

/** The `::error::` annotations, decoded as the runner shows them. */
export function errorAnnotations(run: ActionRun): string[] {
  return annotations(run, 'error')
}

export function annotations(run: ActionRun, kind: 'error' | 'warning' | 'notice'): string[] {
  return run.stdout
    .split('\n')
    .filter(line => line.startsWith(`::${kind}`))
    .map(line => decodeCommandValue(line.slice(line.indexOf('::', 2) + 2)))
}

/** The values the action asked the runner to mask. */
export function maskedValues(run: ActionRun): string[] {
  return run.stdout
    .split('\n')
    .filter(line => line.startsWith('::add-mask::'))
    .map(line => decodeCommandValue(line.slice('::add-mask::'.length)))
}

function decodeCommandValue(value: string): string {
  return value.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

/**
 * Everything the action showed anyone: logs (but the mask commands themselves), outputs, summary.
 * A secret found here would reach a log, a summary or a later step in the clear.
 */
export function visibleText(run: ActionRun): string {
  const logs = `${run.stdout}\n${run.stderr}`
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
  return [logs, run.summary, ...Object.values(run.outputs)].join('\n')
}

/** Runs a test against a fresh simulator, closed afterwards whatever happens; returns what the test returns. */
export async function withSim<T>(test: (sim: Simulator) => Promise<T>, options?: SimulatorOptions): Promise<T> {
  const sim = await Simulator.start(options)
  try {
    return await test(sim)
  } finally {
    await sim.close()
  }
}

/**
 * Every secret the simulator saw in play: the app's secret, the runner's OIDC request token, the
 * GitHub token, every credential and assertion (and its signature) sent to Entra ID, every bearer
 * token sent to the API, and every access and ID token it issued.
 */
export function secretsInPlay(sim: Simulator): string[] {
  const sentToEntra = sim
    .requestsTo('entra')
    .flatMap(request => [request.form['client_secret'], request.form['client_assertion'], request.form['client_assertion']?.split('.')[2]])
    .filter((value): value is string => value !== undefined)
  return [
    ...new Set([
      sim.entra.app.secret ?? '',
      sim.oidc.requestToken,
      sim.github.token,
      ...sentToEntra,
      ...issuedTokens(sim),
      ...sim.issuedSecrets
    ])
  ]
}

/** Runs the action and sweeps everything it showed for every secret in play, and any the test adds (keys, user tokens). */
export async function runSwept(sim: Simulator, options: RunOptions, extraSecrets: string[] = []): Promise<ActionRun> {
  const result = await runAction(options)
  const visible = visibleText(result)
  for (const secret of [...secretsInPlay(sim), ...extraSecrets]) {
    assert.ok(secret.length >= 8, 'a planted secret is long enough to find')
    assert.ok(!visible.includes(secret), `a secret leaked into the logs, outputs or summary:\n${result.stdout}`)
  }
  return result
}

/** Bearer tokens the action sent to the Defender API. */
export function issuedTokens(sim: Simulator): string[] {
  return sim
    .requestsTo('api')
    .map(request => request.authorization?.replace(/^Bearer /, '') ?? '')
    .filter(token => token.length > 0)
}

/** The one ::error:: line a failed run must end with; and no stack trace anywhere but debug lines. */
export function onlyError(result: ActionRun): string {
  const errors = errorAnnotations(result)
  assert.equal(errors.length, 1, `expected exactly one ::error:: line, got:\n${result.stdout}`)
  assert.doesNotMatch(result.stdout + result.stderr, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace outside debug lines')
  return errors[0] ?? ''
}

/** A scheduled run: the repository and its API as the runner names them, the job's token, the client-secret flow. */
export function scheduledRun(sim: Simulator, inputs: Record<string, string>, options: Omit<RunOptions, 'inputs'> = {}): Promise<ActionRun> {
  return runSwept(sim, {
    githubToken: sim.github.token,
    event: { name: 'schedule', payload: { schedule: '0 6 * * 1-5' } },
    ...options,
    env: {
      GITHUB_API_URL: sim.githubApiUrl,
      GITHUB_REPOSITORY: 'octo-org/octo-repo',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '4242',
      ...options.env
    },
    inputs: { ...secretInputs(sim), recommendations: '0', ...inputs }
  })
}

/** The readings on a history branch, parsed. */
export function branchLines(sim: Simulator, branch = 'secure-score-history', path = 'history.jsonl'): Array<Record<string, unknown>> {
  const content = sim.github.branches.get(branch)?.get(path)?.toString('utf8') ?? ''
  return content
    .split('\n')
    .filter(line => line.length > 0)
    .map(line => JSON.parse(line) as Record<string, unknown>)
}

/** The report-json output of a run, as its named type says it is. */
export function reportOf(run: ActionRun): ReportJson {
  return JSON.parse(run.outputs['report-json'] ?? '{}') as ReportJson
}
