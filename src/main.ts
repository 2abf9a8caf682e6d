import * as core from '@actions/core'
import { fetchConfigurationScore } from './defender.js'
import { acquireAccessToken } from './entra.js'
import { failureMessage, isExpectedFailure } from './errors.js'
import { evaluateGate, gateMessage } from './gate.js'
import { Http } from './http.js'
import { renderSummary, reportOutputs, type ScoreReport } from './report.js'
import { DEFAULT_BACKOFF } from './retry.js'
import { readSettings } from './settings.js'

/** The action: settings -> token -> score -> outputs and summary -> gate. */
export async function run(): Promise<void> {
  let http: Http | undefined
  try {
    const settings = readSettings()
    http = new Http(settings.timeoutMs, { maxRetries: settings.maxRetries, ...DEFAULT_BACKOFF })
    const token = await acquireAccessToken(settings, http)
    const reading = await fetchConfigurationScore(http, settings.apiUrl, token)
    const report: ScoreReport = {
      reading,
      gate: evaluateGate(reading.score, settings.minScore),
      enforced: settings.failOnLowScore,
      tenant: settings.tenantId,
      cloud: settings.cloud,
      region: settings.region,
      apiHost: new URL(settings.apiUrl).host,
      authMethod: settings.credential.method
    }
    for (const [name, value] of Object.entries(reportOutputs(report))) {
      core.setOutput(name, value)
    }
    if (settings.jobSummary) {
      await writeSummary(renderSummary(report))
    }
    const message = gateMessage(reading.score, report.gate)
    if (report.gate.status !== 'fail') {
      core.info(message)
    } else if (settings.failOnLowScore) {
      core.setFailed(message)
    } else {
      core.warning(`${message} fail-on-low-score is false, so this is a warning.`)
    }
  } catch (error) {
    if (!isExpectedFailure(error) && error instanceof Error && error.stack) {
      core.debug(error.stack)
    }
    core.setFailed(failureMessage(error))
  } finally {
    http?.dispose()
  }
}

async function writeSummary(markdown: string): Promise<void> {
  if (!process.env['GITHUB_STEP_SUMMARY']) {
    core.info('No job summary written: GITHUB_STEP_SUMMARY is not set (not running on a GitHub runner).')
    return
  }
  await core.summary.addRaw(markdown).write()
}
