import * as core from '@actions/core'
import { writeBadge } from './badge.js'
import { readDefender } from './defender.js'
import { acquireAccessToken } from './entra.js'
import { failureMessage, isExpectedFailure } from './errors.js'
import { checksPassed, evaluateChecks } from './gate.js'
import { appendHistory, loadHistory, viewHistory, type HistoryEntry, type HistoryView } from './history.js'
import { Http } from './http.js'
import { upsertPullRequestComment } from './pull-request.js'
import { badgeSpec, commentMarker, outcomeMessage, renderComment, renderSummary, reportOutputs, type ScoreReport } from './report.js'
import { DEFAULT_BACKOFF } from './retry.js'
import { readSettings, type Settings } from './settings.js'

/** Readings shown in the summary's trend, this run's included. */
const RECENT_READINGS = 10

/** The action: settings -> token -> readings -> outputs, summary, history, badge, comment -> checks. */
export async function run(): Promise<void> {
  let http: Http | undefined
  try {
    const settings = readSettings()
    http = new Http(settings.timeoutMs, { maxRetries: settings.maxRetries, ...DEFAULT_BACKOFF })
    const token = await acquireAccessToken(settings, http)
    const readings = await readDefender(http, settings, token)
    const current: HistoryEntry = {
      time: readings.score.time,
      score: readings.score.score,
      exposure: readings.exposure?.score ?? null,
      tenant: settings.tenantId,
      apiHost: new URL(settings.apiUrl).host
    }
    const history = settings.historyFile ? await recordHistory(settings.historyFile, current) : undefined
    const report: ScoreReport = {
      reading: readings.score,
      exposure: readings.exposure,
      recommendations: readings.recommendations,
      history,
      checks: evaluateChecks({
        score: current.score,
        time: current.time,
        minScore: settings.minScore,
        exposure: readings.exposure?.score,
        maxExposureScore: settings.maxExposureScore,
        previous: history?.previous,
        maxDrop: settings.maxDrop
      }),
      enforced: settings.failOnLowScore,
      tenant: settings.tenantId,
      cloud: settings.cloud,
      region: settings.region,
      apiHost: current.apiHost,
      authMethod: settings.credential.method
    }
    for (const [name, value] of Object.entries(reportOutputs(report))) {
      core.setOutput(name, value)
    }
    if (settings.jobSummary) {
      await writeSummary(renderSummary(report))
    }
    await publish(settings, report, http)
    concludeChecks(report)
  } catch (error) {
    if (!isExpectedFailure(error) && error instanceof Error && error.stack) {
      core.debug(error.stack)
    }
    core.setFailed(failureMessage(error))
  } finally {
    http?.dispose()
  }
}

/**
 * Reads the earlier readings and appends this one. A file it cannot read is left alone (a warning),
 * so a history is never replaced by less than it held.
 */
async function recordHistory(path: string, current: HistoryEntry): Promise<HistoryView | undefined> {
  const loaded = await loadHistory(path)
  if (loaded.kind === 'unreadable') {
    core.warning(`history-file could not be read (${loaded.reason}); it is left untouched and this reading is not added.`)
    return undefined
  }
  const { file } = loaded
  if (file.unreadableLines > 0) {
    core.warning(
      `history-file has ${file.unreadableLines} line(s) that are not readings; they are kept as they are and left out of the trend.`
    )
  }
  try {
    await appendHistory(path, current, file.needsNewline)
  } catch (error) {
    core.warning(`history-file could not be written (${failureMessage(error)}); this reading is not recorded.`)
  }
  return viewHistory(file.entries, current, RECENT_READINGS)
}

/** The optional extras: none of them may fail the run. */
async function publish(settings: Settings, report: ScoreReport, http: Http): Promise<void> {
  if (settings.badgeFile) {
    try {
      await writeBadge(settings.badgeFile, badgeSpec(report))
      core.setOutput('badge-file', settings.badgeFile)
    } catch (error) {
      core.warning(`badge-file could not be written: ${failureMessage(error)}`)
    }
  }
  if (settings.pullRequestComment) {
    const url = await upsertPullRequestComment(settings.pullRequestComment, commentMarker(report), renderComment(report, settings.runUrl), http)
    if (url) {
      core.setOutput('comment-url', url)
    }
  }
}

function concludeChecks(report: ScoreReport): void {
  if (checksPassed(report.checks)) {
    core.info(outcomeMessage(report))
    return
  }
  const failures = report.checks.filter(check => !check.passed).map(check => check.message)
  if (report.enforced) {
    core.setFailed(failures.join('\n'))
  } else {
    core.warning(`${failures.join('\n')}\nfail-on-low-score is false, so this is a warning.`)
  }
}

async function writeSummary(markdown: string): Promise<void> {
  if (!process.env['GITHUB_STEP_SUMMARY']) {
    core.info('No job summary written: GITHUB_STEP_SUMMARY is not set (not running on a GitHub runner).')
    return
  }
  await core.summary.addRaw(markdown).write()
}
