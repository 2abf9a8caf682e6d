/**
 * Everything after the readings: the history, the report, what is published, the runner's files and
 * the verdict. Loaded by ./main.ts while the first requests are on the network, so that its code is
 * compiled in time the run would spend waiting anyway.
 */
import * as core from '@actions/core'
import { acceptanceNotes, acceptRisks } from './accepted-risks/apply.js'
import type { AcceptedRisk, AcceptedRisks } from './accepted-risks/risk.js'
import type { Settings } from './config/settings.js'
import { CHECK_IDS } from './checks/registry.js'
import type { Clock } from './clock.js'
import { failureMessage } from './errors.js'
import { formatPoints } from './format.js'
import { upsertPullRequestComment } from './github/pull-request.js'
import { trackFailures, type TrackedTenant } from './github/tracking-issue.js'
import { recordOnBranch } from './history/branch-store.js'
import { recordInFile } from './history/file-store.js'
import {
  datedEntry,
  historyEntryOf,
  STALE_AFTER_DAYS,
  viewHistory,
  type EarlierReadings,
  type HistoryEntry,
  type HistoryRecord,
  type HistoryView
} from './history/history.js'
import { fail, info, notice, warning } from './log.js'
import { Http } from './net/http.js'
import { redactSecrets } from './secrets.js'
import type { RetryPolicy } from './net/retry.js'
import { badgeFileName, writeBadge } from './report/badge.js'
import { CHART_READINGS } from './report/chart.js'
import { cappedMessages, outcomeMessage } from './report/log-lines.js'
import { renderComment, renderSummary, trackingIssueContent, worstFirst } from './report/markdown.js'
import {
  buildReport,
  commentMarker,
  labelOf,
  readReports,
  unevaluatedChecks,
  runBadgeSpec,
  runPassed,
  tenantBadgeSpec,
  type RunContext,
  type RunReport,
  type TenantOutcome
} from './report/model.js'
import { reportOutputs, type Published } from './report/outputs.js'
import type { TenantReading } from './tenants/read.js'

/** Readings the trend shows (chart and table), this run's included. */
const RECENT_READINGS = CHART_READINGS

/**
 * Records, reports, publishes and decides. One budget for every call to GitHub's API (history,
 * comment, issues): past it, the verdict is given and the rest is a warning.
 */
export async function conclude(
  settings: Settings,
  readings: TenantReading[],
  policy: RetryPolicy,
  clock: Clock,
  acceptedRisks: AcceptedRisks | undefined
): Promise<void> {
  const githubBudgetMs = settings.timeoutMs * (settings.maxRetries + 1)
  const github = new Http(settings.timeoutMs, policy, clock)
  const stopWatch = github.stopAfter(
    githubBudgetMs,
    `the run's ${formatPoints(githubBudgetMs / 1000)} s for GitHub's API (timeout-seconds x (max-retries + 1), plus the waits between attempts) ran out`
  )
  try {
    const history = await recordHistory(settings, readings, github)
    const report = buildRunReport(settings, readings, history, acceptedRisks)
    warnOfStaleReadings(report)
    const published = await publish(settings, report, github)
    await writeRunnerFiles(settings, report, published)
    concludeChecks(report)
  } finally {
    stopWatch()
    github.dispose()
  }
}

function buildRunReport(
  settings: Settings,
  readings: TenantReading[],
  history: Map<string, HistoryRecord>,
  acceptedRisks: AcceptedRisks | undefined
): RunReport {
  const context: RunContext = {
    listedVulnerabilities: settings.listedVulnerabilities,
    explainScoreChange: settings.explainScoreChange,
    enforced: settings.failOnLowScore,
    cloud: settings.cloud,
    region: settings.region,
    apiHost: new URL(settings.apiUrl).host,
    authMethod: settings.app.credential.method
  }
  const accepted = readings.map(reading =>
    reading.kind === 'read' && acceptedRisks ? acceptRisks(acceptedRisks, reading.tenant, reading.readings) : undefined
  )
  const unused = acceptedRisks && announceAcceptances(acceptedRisks, accepted)
  return {
    context,
    tenants: readings.map((reading, index): TenantOutcome => {
      const { tenant } = reading
      if (reading.kind === 'unread') {
        const checksAsked = CHECK_IDS.filter(id => tenant.limits[id] !== undefined)
        return { kind: 'unread', tenant: tenant.id, label: tenant.label, error: failureMessage(reading.error), checksAsked }
      }
      const applied = accepted[index]
      const acceptance = acceptedRisks && {
        where: acceptedRisks.where,
        items: applied?.items ?? [],
        unused: (unused ?? []).filter(risk => risk.tenant === undefined || risk.tenant === tenant.id)
      }
      const tenantReadings = applied?.readings ?? reading.readings
      return { kind: 'read', report: buildReport(context, tenant, tenantReadings, history.get(tenant.id) ?? { kind: 'none' }, acceptance) }
    }),
    acceptedRisks: acceptedRisks && { where: acceptedRisks.where, entries: acceptedRisks.risks.length, unused: unused ?? [] }
  }
}

/** A reading that repeats one a week or more older may be stale data: not a failure, but said where it is seen. */
function warnOfStaleReadings(report: RunReport): void {
  const several = report.tenants.length > 1
  for (const tenant of readReports(report).filter(read => read.stale !== undefined)) {
    warning(
      `${several ? `[${tenant.label}] ` : ''}The data may be stale: the score (${formatPoints(tenant.reading.score)}), the exposure score and every ` +
        `recommendation's score impact are identical to the reading of ${tenant.stale?.since}, ${STALE_AFTER_DAYS} or more days earlier. ` +
        "The API answers with the time of the call, not of the computation: check that the tenant's devices still report (devices: true shows it)."
    )
  }
}

/** The file's warnings (expired, expiring) and notices (unused), once a run; returns the unused entries. */
function announceAcceptances(file: AcceptedRisks, accepted: Array<{ matched: Set<number> } | undefined>): AcceptedRisk[] {
  const used = new Set(accepted.flatMap(tenant => [...(tenant?.matched ?? [])]))
  const { warnings, notices, unused } = acceptanceNotes(file, used)
  for (const message of warnings) warning(message)
  for (const message of notices) notice(message)
  return unused
}

/** Appends one line per tenant read, in one write, and gives each tenant its view of the history. */
async function recordHistory(settings: Settings, readings: TenantReading[], http: Http): Promise<Map<string, HistoryRecord>> {
  const views = new Map<string, HistoryRecord>()
  const store = settings.history
  const apiHost = new URL(settings.apiUrl).host
  const current = readings.flatMap(reading =>
    reading.kind === 'read'
      ? [
          {
            id: reading.tenant.id,
            readings: reading.readings,
            entry: historyEntryOf(reading.readings, reading.tenant.id, reading.directory, apiHost, settings.runKey)
          }
        ]
      : []
  )
  if (!store || current.length === 0) {
    return views
  }
  const entries = current.map(({ entry }) => entry)
  // Each tenant's view of the lines the store read, made once: the line written is dated from it, and the report reads it.
  let seen: { lines: HistoryEntry[]; views: Map<string, HistoryView> } | undefined
  const build = (lines: HistoryEntry[]) => {
    const made = new Map<string, HistoryView>()
    seen = { lines, views: made }
    return current.map(({ id, entry, readings: tenantReadings }) => {
      const view = viewHistory(lines, entry, RECENT_READINGS)
      made.set(id, view)
      return datedEntry(entry, tenantReadings, view)
    })
  }
  const earlier =
    store.kind === 'file'
      ? await recordInFile(store.path, settings.workspace, build)
      : await recordOnBranch(http, store, build, commitMessage(entries, settings.runUrl))
  for (const { id, entry } of current) {
    const made = earlier.kind === 'read' && seen?.lines === earlier.file.entries ? seen.views.get(id) : undefined
    views.set(id, viewOf(earlier, entry, current.length === 1 ? 'this tenant' : `tenant ${entry.tenant}`, made))
  }
  return views
}

/** The tenant's view of the earlier readings: `made` when the lines were viewed already (to date this run's line), else made here. */
function viewOf(earlier: EarlierReadings, current: HistoryEntry, tenant: string, made: HistoryView | undefined): HistoryRecord {
  if (earlier.kind === 'unavailable') {
    return earlier
  }
  const view = made ?? viewHistory(earlier.file.entries, current, RECENT_READINGS)
  if (view.futureDated > 0) {
    warning(
      `The history has ${view.futureDated} reading(s) of ${tenant} dated after this run's (${current.time}); ` +
        "they are left out of max-drop and the trend. Check the lines, or the runner's clock."
    )
  }
  const { unreadableLines } = earlier.file
  if (view.previous === undefined && (view.futureDated > 0 || unreadableLines > 0)) {
    // Not a first reading: the history holds lines it could not use, one of which may be the previous reading.
    const left = [
      ...(view.futureDated > 0 ? [`${view.futureDated} reading(s) of ${tenant} dated after this run's`] : []),
      ...(unreadableLines > 0 ? [`${unreadableLines} line(s) that are not readings`] : [])
    ]
    return { kind: 'unavailable', reason: `the history holds no usable earlier reading of ${tenant}, only ${left.join(' and ')}` }
  }
  return { kind: 'read', view }
}

function commitMessage(entries: HistoryEntry[], runUrl: string | undefined): string {
  const [first] = entries
  const what =
    entries.length === 1 && first
      ? `Device secure score ${formatPoints(first.score, 'exact')} at ${first.time}`
      : `Device secure score of ${entries.length} tenants at ${first?.time ?? ''}`
  return `${what}${runUrl ? `\n\n${runUrl}` : ''}`
}

/** The optional extras: none of them may fail the run. */
async function publish(settings: Settings, report: RunReport, http: Http): Promise<Published> {
  const published: Published = {}
  if (settings.badgeFile) {
    published.badgeFile = await writeBadges(settings.badgeFile, settings.workspace, report)
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
    const tenants = worstFirst(report)
    const urls = await trackFailures(
      http,
      settings.trackingIssue,
      tenants.map(outcome => ({ ...trackedChecks(outcome), content: trackingIssueContent(outcome, settings.runUrl) }))
    )
    published.issueUrl = urls.find(url => url !== undefined)
  }
  return published
}

/** What the tracking issue needs of a tenant's checks: which failed (or, unread, were asked), which were seen to pass. */
function trackedChecks(outcome: TenantOutcome): Omit<TrackedTenant, 'content'> {
  if (outcome.kind === 'unread') {
    return { failed: true, failing: outcome.checksAsked, passed: [] }
  }
  const { checks } = outcome.report
  const failing = [...new Set(checks.filter(check => !check.passed).map(check => check.input))]
  return {
    failed: failing.length > 0,
    failing,
    passed: [...new Set(checks.map(check => check.input))].filter(input => !failing.includes(input))
  }
}

/**
 * The badge: with `{tenant}` in the path, one per tenant (its label made safe for a file name);
 * otherwise one, for the run. Returns the path written (the pattern, for several); undefined when none was.
 */
async function writeBadges(path: string, workspace: string, report: RunReport): Promise<string | undefined> {
  // Names are unique: the settings refuse labels that make the same file name.
  const badges = path.includes('{tenant}')
    ? report.tenants.map((outcome, index) => ({
        path: path.replaceAll('{tenant}', badgeFileName(labelOf(outcome), index)),
        badge: tenantBadgeSpec(outcome)
      }))
    : [{ path, badge: runBadgeSpec(report) }]
  let written = 0
  for (const badge of badges) {
    try {
      await writeBadge(badge.path, workspace, badge.badge)
      written++
    } catch (error) {
      warning(`badge-file could not be written: ${failureMessage(error)}`)
    }
  }
  return written === badges.length ? path : undefined
}

function concludeChecks(report: RunReport): void {
  if (runPassed(report)) {
    info(outcomeMessage(report))
    return
  }
  const several = report.tenants.length > 1
  // One cap for the run, not per tenant: 300 failing tenants still make one annotation of readable size.
  const failures = cappedMessages(
    report.tenants.flatMap(outcome => {
      const prefix = several ? `[${labelOf(outcome)}] ` : ''
      if (outcome.kind === 'unread') {
        // The only tenant's error says it all, as it always has; among several, which tenant it is.
        return [several ? `${prefix}could not be read: ${outcome.error}` : outcome.error]
      }
      return outcome.report.checks.filter(check => !check.passed).map(check => `${prefix}${check.message}`)
    })
  )
  const title = failureTitle(report)
  if (report.context.enforced) {
    fail(failures.join('\n'), title)
  } else {
    warning(`${failures.join('\n')}\nfail-on-low-score is false, so this is a warning.`, title)
  }
}

/**
 * The annotation's title, which tells the two kinds of red apart: checks that failed, and checks that
 * could not be evaluated (which fail closed, and are not a crash).
 */
function failureTitle(report: RunReport): string {
  const failed = readReports(report).flatMap(tenant =>
    tenant.checks.filter(check => !check.passed && check.unevaluated === undefined)
  ).length
  const unevaluated = unevaluatedChecks(report)
  const unread = report.tenants.filter(outcome => outcome.kind === 'unread').length
  return [
    ...(failed > 0 ? [`${failed} ${failed === 1 ? 'check' : 'checks'} failed`] : []),
    ...(unevaluated > 0 ? [`${unevaluated} could not be evaluated (fails closed)`] : []),
    ...(unread > 0 ? [`${unread} ${unread === 1 ? 'tenant' : 'tenants'} not read`] : [])
  ].join(', ')
}

/**
 * The outputs and the job summary. The verdict comes after them and from the report alone: a runner
 * file that cannot be written is a warning, and never hides it.
 */
async function writeRunnerFiles(settings: Settings, report: RunReport, published: Published): Promise<void> {
  await attempt('The outputs could not be set', () => {
    for (const [name, value] of Object.entries(reportOutputs(report, published))) {
      core.setOutput(name, redactSecrets(value))
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
  await core.summary.addRaw(redactSecrets(markdown)).write()
}
