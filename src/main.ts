import * as core from '@actions/core'
import { readSettings } from './config/inputs.js'
import type { Settings } from './config/settings.js'
import type { DefenderReadings } from './defender/answers.js'
import { readDefender } from './defender/api.js'
import { failureMessage, isExpectedFailure } from './errors.js'
import { formatPoints } from './format.js'
import { upsertPullRequestComment } from './github/pull-request.js'
import { trackFailures } from './github/tracking-issue.js'
import { recordOnBranch } from './history/branch-store.js'
import { recordInFile } from './history/file-store.js'
import { historyEntryOf, viewHistory, type HistoryRecord } from './history/history.js'
import { debug, fail, info, warning } from './log.js'
import { Http } from './net/http.js'
import { DEFAULT_BACKOFF } from './net/retry.js'
import { writeBadge } from './report/badge.js'
import { CHART_READINGS } from './report/chart.js'
import { checkMessages, outcomeMessage, renderComment, renderSummary, trackingIssueContent } from './report/markdown.js'
import { apiHostOf, badgeSpec, buildReport, commentMarker, passed, type ScoreReport } from './report/model.js'
import { reportOutputs, type Published } from './report/outputs.js'
import { acquireAccessToken } from './signin/entra.js'

/** Readings the trend shows (chart and table), this run's included. */
const RECENT_READINGS = CHART_READINGS

/**
 * A run: read the settings, sign in, read the score (and the extras asked for), record it in the
 * history, build the report, publish what was asked for (badge, pull-request comment, tracking
 * issue), set the outputs and write the summary, and let the checks decide the step's outcome.
 */
export async function run(): Promise<void> {
  let http: Http | undefined
  let github: Http | undefined
  let stopGitHubWatch = (): void => undefined
  try {
    const settings = readSettings()
    const policy = { maxRetries: settings.maxRetries, ...DEFAULT_BACKOFF }
    http = new Http(settings.timeoutMs, policy)
    const token = await acquireAccessToken(settings, http)
    const readings = await readDefender(http, settings, token)
    // One budget for every call to GitHub's API (history, comment, issue): past it, the verdict is given and the rest is a warning.
    const githubBudgetMs = settings.timeoutMs * (settings.maxRetries + 1)
    const githubHttp = new Http(settings.timeoutMs, policy)
    github = githubHttp
    stopGitHubWatch = githubHttp.stopAfter(
      githubBudgetMs,
      `the run's ${formatPoints(githubBudgetMs / 1000)} s for GitHub's API (timeout-seconds x (max-retries + 1), plus the waits between attempts) ran out`
    )
    const history = await recordHistory(settings, readings, githubHttp)
    const report = buildReport(settings, readings, history)
    const published = await publish(settings, report, githubHttp)
    await writeRunnerFiles(settings, report, published)
    concludeChecks(report)
  } catch (error) {
    if (!isExpectedFailure(error) && error instanceof Error && error.stack) {
      debug(error.stack)
    }
    fail(failureMessage(error))
  } finally {
    stopGitHubWatch()
    http?.dispose()
    github?.dispose()
  }
}

async function recordHistory(settings: Settings, readings: DefenderReadings, http: Http): Promise<HistoryRecord> {
  const store = settings.history
  if (!store) {
    return { kind: 'none' }
  }
  const current = historyEntryOf(readings, settings.tenantId, apiHostOf(settings), settings.runKey)
  const earlier =
    store.kind === 'file'
      ? await recordInFile(store.path, settings.workspace, current)
      : await recordOnBranch(
          http,
          store,
          current,
          `Device secure score ${formatPoints(current.score, 'exact')} at ${current.time}${settings.runUrl ? `\n\n${settings.runUrl}` : ''}`
        )
  if (earlier.kind === 'unavailable') {
    return earlier
  }
  const view = viewHistory(earlier.file.entries, current, RECENT_READINGS)
  if (view.futureDated > 0) {
    warning(
      `The history has ${view.futureDated} reading(s) of this tenant dated after this run's (${current.time}); they are left out ` +
        "of max-drop and the trend. Check the lines, or the runner's clock."
    )
  }
  return { kind: 'read', view }
}

/** The optional extras: none of them may fail the run. */
async function publish(settings: Settings, report: ScoreReport, http: Http): Promise<Published> {
  const published: Published = {}
  if (settings.badgeFile) {
    try {
      await writeBadge(settings.badgeFile, settings.workspace, badgeSpec(report))
      published.badgeFile = settings.badgeFile
    } catch (error) {
      warning(`badge-file could not be written: ${failureMessage(error)}`)
    }
  }
  if (settings.pullRequestComment) {
    published.commentUrl = await upsertPullRequestComment(
      settings.pullRequestComment,
      commentMarker(report),
      renderComment(report, settings.runUrl),
      http
    )
  }
  if (settings.trackingIssue) {
    published.issueUrl = await trackFailures(http, settings.trackingIssue, !passed(report), trackingIssueContent(report, settings.runUrl))
  }
  return published
}

function concludeChecks(report: ScoreReport): void {
  if (passed(report)) {
    info(outcomeMessage(report))
    return
  }
  const failures = checkMessages(report.checks.filter(check => !check.passed))
  if (report.enforced) {
    fail(failures.join('\n'))
  } else {
    warning(`${failures.join('\n')}\nfail-on-low-score is false, so this is a warning.`)
  }
}

/**
 * The outputs and the job summary. The verdict comes after them and from the report alone: a runner
 * file that cannot be written is a warning, and never hides it.
 */
async function writeRunnerFiles(settings: Settings, report: ScoreReport, published: Published): Promise<void> {
  await attempt('The outputs could not be set', () => {
    for (const [name, value] of Object.entries(reportOutputs(report, published))) {
      core.setOutput(name, value)
    }
  })
  if (settings.jobSummary) {
    await attempt('The job summary could not be written', () => writeSummary(renderSummary(report)))
  }
}

/** Runs `work`; what goes wrong is a warning that starts with `what`. */
async function attempt(what: string, work: () => unknown): Promise<void> {
  try {
    await work()
  } catch (error) {
    warning(`${what}: ${failureMessage(error)}`)
  }
}

async function writeSummary(markdown: string): Promise<void> {
  if (!process.env['GITHUB_STEP_SUMMARY']) {
    info('No job summary written: GITHUB_STEP_SUMMARY is not set (not running on a GitHub runner).')
    return
  }
  await core.summary.addRaw(markdown).write()
}
