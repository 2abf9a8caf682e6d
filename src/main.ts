import { readSettings } from './config/inputs.js'
import { failureMessage, isExpectedFailure } from './errors.js'
import { debug, fail } from './log.js'
import { Http } from './net/http.js'
import { DEFAULT_BACKOFF } from './net/retry.js'
import { idTokenSource } from './signin/entra.js'
import { readTenants } from './tenants/read.js'

/**
 * A run: read the settings, read every tenant (sign in, the score and the extras asked for), then
 * record the readings in the history, build the report, publish what was asked for (badge,
 * pull-request comment, tracking issues), set the outputs and write the summary, and let the checks
 * decide the step's outcome (./conclude.ts).
 */
export async function run(): Promise<void> {
  let http: Http | undefined
  try {
    const settings = readSettings()
    const policy = { maxRetries: settings.maxRetries, ...DEFAULT_BACKOFF }
    const microsoft = new Http(settings.timeoutMs, policy)
    http = microsoft
    const reading = readTenants(settings.tenants, {
      app: settings.app,
      http: microsoft,
      idToken: idTokenSource(settings.app, microsoft),
      defender: {
        apiUrl: settings.apiUrl,
        exposure: settings.includeExposureScore,
        deviceGroups: settings.deviceGroups,
        recommendations: settings.recommendations,
        vulnerabilities: settings.vulnerabilitySeverity
      }
    })
    // Loaded while the first requests are on the network: its compile time is off the critical path.
    const { conclude } = await import('./conclude.js')
    const readings = await reading
    const [only] = readings
    if (readings.length === 1 && only?.kind === 'unread') {
      // One tenant that cannot be read fails the run as it always has: with its error alone.
      throw only.error
    }
    await conclude(settings, readings, policy)
  } catch (error) {
    if (!isExpectedFailure(error) && error instanceof Error && error.stack) {
      debug(error.stack)
    }
    fail(failureMessage(error))
  } finally {
    http?.dispose()
  }
}
