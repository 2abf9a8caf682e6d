import { readSettings } from './config/inputs.js'
import { failureMessage, isExpectedFailure } from './errors.js'
import type { AcceptedRisks } from './accepted-risks/risk.js'
import { CHECK_IDS } from './checks/registry.js'
import { runClock, type Clock } from './clock.js'
import type { Settings } from './config/settings.js'
import { formatPoints } from './format.js'
import { debug, fail } from './log.js'
import { Http } from './net/http.js'
import { DEFAULT_BACKOFF, type RetryPolicy } from './net/retry.js'
import { idTokenSource } from './signin/entra.js'
import { checkDirectoriesListedOnce, MAX_REQUESTS_IN_FLIGHT, readTenants } from './tenants/read.js'

/** The accepted-risks file, read and validated; its module (and the YAML parser) is loaded only by runs that set the input. */
async function readAcceptedRisksFile(settings: Settings, policy: RetryPolicy, clock: Clock): Promise<AcceptedRisks | undefined> {
  if (settings.acceptedRisks === undefined) {
    return undefined
  }
  const { readAcceptedRisks } = await import('./accepted-risks/read.js')
  const github = new Http(settings.timeoutMs, policy, clock)
  try {
    return await readAcceptedRisks(settings.acceptedRisks, github, {
      tenants: settings.tenants,
      today: new Date(clock.now()).toISOString().slice(0, 10),
      maxDays: settings.acceptedRisks.maxDays,
      checkIds: CHECK_IDS
    })
  } finally {
    github.dispose()
  }
}

/** Rounds of requests the reading is given time for: the sign-in, then the reads sent at once. */
const READING_ROUNDS = 2

/**
 * A run: read the settings, read every tenant (sign in, the score and the extras asked for), then
 * record the readings in the history, build the report, publish what was asked for (badge,
 * pull-request comment, tracking issues), set the outputs and write the summary, and let the checks
 * decide the step's outcome (./conclude.ts).
 */
export async function run(): Promise<void> {
  let http: Http | undefined
  let stopReading = (): void => undefined
  try {
    const settings = readSettings()
    const policy = { maxRetries: settings.maxRetries, ...DEFAULT_BACKOFF }
    const clock = runClock()
    // Before any request to Microsoft: a gate whose exceptions cannot be read does not guess.
    const acceptedRisks = settings.acceptedRisks && (await readAcceptedRisksFile(settings, policy, clock))
    const microsoft = new Http(settings.timeoutMs, policy, clock, MAX_REQUESTS_IN_FLIGHT)
    http = microsoft
    // One deadline for the whole reading (every tenant, sign-in and every page): what is unread by then fails closed.
    const readingBudgetMs = READING_ROUNDS * settings.timeoutMs * (settings.maxRetries + 1)
    stopReading = microsoft.stopAfter(
      readingBudgetMs,
      `the run's time ran out (${formatPoints(readingBudgetMs / 1000)} s to read Microsoft's answers: 2 x timeout-seconds x (max-retries + 1), plus the waits between attempts)`
    )
    const reading = readTenants(settings.tenants, {
      app: settings.app,
      http: microsoft,
      idToken: idTokenSource(settings.app, microsoft, clock),
      clock,
      apiUrl: settings.apiUrl,
      sources: {
        score: undefined,
        exposure: settings.includeExposureScore,
        deviceGroups: settings.deviceGroups,
        recommendations: { shown: settings.recommendations, explain: settings.explainScoreChange },
        vulnerabilities: settings.vulnerabilitySeverity,
        devices: { ...settings.devices, asOf: clock.now() }
      }
    })
    // Loaded while the first requests are on the network: its compile time is off the critical path.
    const { conclude } = await import('./conclude.js')
    const readings = await reading
    stopReading()
    checkDirectoriesListedOnce(readings)
    // A tenant that cannot be read is one tenant of the list, alone or not: outputs, summary, issue and verdict.
    await conclude(settings, readings, policy, clock, acceptedRisks)
  } catch (error) {
    if (!isExpectedFailure(error) && error instanceof Error && error.stack) {
      debug(error.stack)
    }
    fail(failureMessage(error))
  } finally {
    stopReading()
    http?.dispose()
  }
}
