/**
 * Markdown renderings of the report: the job summary and the sticky pull-request comment. Every
 * piece of text that came from outside (the API, the history) goes through {@link inlineText}, so it
 * renders as inert text: no mention, link, image, HTML or table break, and no longer than a cell.
 */
import type { Check } from '../checks/check.js'
import { checkDefinition, limitOf } from '../checks/registry.js'
import { exposureLevel } from '../sources/exposure/source.js'
import { exploitKind, isCveId, severityRange } from '../sources/vulnerabilities/answers.js'
import { formatCompared, formatPoints, plainDecimal } from '../format.js'
import type { AuthMethod } from '../signin/credentials.js'
import { CHECKS_RECORD_CHARS, type TrackingIssueContent } from '../github/tracking-issue.js'
import { redactSecrets } from '../secrets.js'
import { staticBadgeUrl } from './badge.js'
import { trendChart } from './chart.js'
import {
  commentMarker,
  issueMarker,
  labelOf,
  passed,
  runBadgeSpec,
  scoreDelta,
  shownScore,
  type RunReport,
  type ScoreReport,
  type TenantOutcome
} from './model.js'

const AUTH_LABELS: Record<AuthMethod, string> = {
  oidc: 'GitHub OIDC federated credential',
  secret: 'client secret',
  certificate: 'client certificate',
  token: 'access token given to the action'
}

/** Readings listed in the history table; the chart shows more. */
const TABLE_READINGS = 10

const SPARKS = '▁▂▃▄▅▆▇█'

/** GitHub refuses a job summary larger than this (1 MiB); the step's summary would then be lost. */
export const MAX_SUMMARY_BYTES = 1024 * 1024

/** GitHub refuses a comment or an issue body longer than this (HTTP 422), and the old one would stay. */
export const MAX_COMMENT_CHARS = 65_536

/** GitHub refuses an issue title longer than this. */
export const MAX_TITLE_CHARS = 256

/** Markdown for the job summary, within GitHub's 1 MiB: long tables are cut, and say so. */
export function renderSummary(run: RunReport, maxBytes = MAX_SUMMARY_BYTES): string {
  const fits = (text: string) => Buffer.byteLength(text, 'utf8') <= maxBytes
  const [only] = run.tenants
  if (run.tenants.length === 1 && only?.kind === 'read') {
    return fitRows(rows => tenantSummary(only.report, rows, SUMMARY_CUT, 2).join('\n'), fits)
  }
  return fitTenants(
    run,
    (details, rows) => [...runOverview(run, rows, SUMMARY_CUT), ...tenantDetails(run, details, 'summary')].join('\n'),
    fits
  )
}

const SUMMARY_CUT = 'of a job summary; the report-json output lists more (up to its documented caps)'

/** One tenant's full report, its headings at `level`: what the summary shows of it. */
function tenantSummary(report: ScoreReport, rows: number, where: string, level: number): string[] {
  return [
    ...overview(report, rows, where, level),
    ...vulnerabilitiesSection(report, rows, where, level + 1),
    ...deviceGroupsSection(report, rows, where, level + 1),
    ...recommendationsSection(report, rows, where, level + 1),
    ...historySection(report, level + 1),
    ...footnote()
  ]
}

/**
 * Markdown for the sticky pull-request comment: the same facts, with the badge on top. Always fits
 * GitHub's limit: rows of the long tables (with many tenants, their details) are left out, and said so.
 */
export function renderComment(run: RunReport, runUrl: string | undefined, maxChars = MAX_COMMENT_CHARS): string {
  const badge = runBadgeSpec(run)
  const head = [commentMarker(run), `![${badge.label}: ${badge.message}](${staticBadgeUrl(badge)})`, '']
  const fits = (text: string) => text.length <= maxChars
  const [only] = run.tenants
  if (run.tenants.length === 1 && only?.kind === 'read') {
    return fitRows(rows => [...head, ...postedReport(only.report, runUrl, rows, 'of a comment', 2)].join('\n'), fits)
  }
  return fitTenants(
    run,
    (details, rows) =>
      [
        ...head,
        ...runOverview(run, rows, 'of a comment; the job summary of the run lists more'),
        ...tenantDetails(run, details, 'comment'),
        ...runLink(runUrl)
      ].join('\n'),
    fits
  )
}

/** The tracking issue of one tenant (issue-on-failure): its report, under a title that names the tenant. */
export function trackingIssueContent(
  outcome: TenantOutcome,
  runUrl: string | undefined,
  maxChars = MAX_COMMENT_CHARS - CHECKS_RECORD_CHARS
): TrackingIssueContent {
  const tenant = outcome.kind === 'read' ? outcome.report.tenant : outcome.tenant
  const marker = issueMarker(tenant)
  const run = runUrl ? ` ([run](${runUrl}))` : ''
  const intro = [
    marker,
    'This issue stays open while the scheduled device secure score check fails, and is closed by the first run that passes every check.',
    ''
  ]
  const name = outcome.kind === 'read' ? tenantName(outcome.report.tenant, outcome.report.label) : tenantName(outcome.tenant, outcome.label)
  if (outcome.kind === 'unread') {
    return {
      marker,
      title: issueTitle(name, 'could not be read'),
      body: [
        ...intro,
        `## ❌ Tenant ${inlineText(outcome.label)}: could not be read`,
        '',
        inlineText(outcome.error, MAX_REASON_CHARS),
        '',
        ...runLink(runUrl)
      ].join('\n'),
      recovery: ''
    }
  }
  const { report } = outcome
  const failed = report.checks.filter(check => !check.passed).map(check => check.input)
  const body = fitRows(
    rows => [...intro, ...postedReport(report, runUrl, rows, 'of an issue', 2)].join('\n'),
    text => text.length <= maxChars
  )
  return {
    marker,
    title: issueTitle(name, [...new Set(failed)].join(', ')),
    body,
    recovery: `Recovered: score ${shownScore(report)} points at ${report.reading.time}, every check passes${run}.`
  }
}

/** The tenant as a title names it: its ID, and its name when it has one. */
function tenantName(tenant: string, label: string): string {
  return label && label !== tenant ? `${label} (${tenant})` : tenant
}

function runLink(runUrl: string | undefined): string[] {
  return runUrl ? [`<sub>Updated by [this workflow run](${runUrl}).</sub>`, ''] : []
}

/** `Device secure score check failing for tenant X: inputs`, within GitHub's 256 characters however long the tenant's name. */
export function issueTitle(tenant: string, failedInputs: string): string {
  const title = (name: string) => `Device secure score check failing${name ? ` for tenant ${name}` : ''}: ${failedInputs}`
  const full = title(tenant)
  if (full.length <= MAX_TITLE_CHARS) {
    return full
  }
  const room = Math.max(1, MAX_TITLE_CHARS - title('').length - ' for tenant …'.length)
  return title(`${tenant.slice(0, room)}…`).slice(0, MAX_TITLE_CHARS)
}

/**
 * The longest rendering that `fits`, with the same number of rows at most in every long table
 * (checks, device groups, recommendations): found by halving, as each rendering is linear in the rows.
 */
function fitRows(render: (rows: number) => string, fits: (text: string) => boolean): string {
  const all = render(Number.POSITIVE_INFINITY)
  return fits(all) ? all : largest(MAX_TABLE_ROWS, rows => fits(render(rows)), render)
}

/** No table of the report has more rows than this when one is cut to fit. */
const MAX_TABLE_ROWS = 100_000

/** The report as the comment and the tracking issue show it: with the chart, without the history table, linked to the run. */
function postedReport(report: ScoreReport, runUrl: string | undefined, rows: number, ofWhat: string, level: number): string[] {
  const where = `${ofWhat}; the job summary of the run lists more`
  return [
    ...overview(report, rows, where, level),
    ...vulnerabilitiesSection(report, rows, where, level + 1),
    ...deviceGroupsSection(report, rows, where, level + 1),
    ...recommendationsSection(report, rows, where, level + 1),
    ...historyChart(report),
    ...runLink(runUrl),
    ...footnote()
  ]
}

/**
 * With many tenants: the longest rendering that fits, with every tenant's row in the table and as
 * many tenants' details as fit (worst first); only when the table alone does not fit, its rows too.
 */
function fitTenants(run: RunReport, render: (details: number, rows: number) => string, fits: (text: string) => boolean): string {
  const tenants = run.tenants.length
  if (fits(render(tenants, Number.POSITIVE_INFINITY))) {
    return render(tenants, Number.POSITIVE_INFINITY)
  }
  if (fits(render(0, Number.POSITIVE_INFINITY))) {
    return largest(
      tenants,
      details => fits(render(details, Number.POSITIVE_INFINITY)),
      details => render(details, Number.POSITIVE_INFINITY)
    )
  }
  return largest(
    tenants,
    rows => fits(render(0, rows)),
    rows => render(0, rows)
  )
}

/** render(n) for the largest n in [0, max] that `fits` accepts (it accepts fewer whenever it accepts more). */
function largest(max: number, fits: (n: number) => boolean, render: (n: number) => string): string {
  let low = 0
  let high = max
  while (low < high) {
    const middle = Math.ceil((low + high) / 2)
    if (fits(middle)) {
      low = middle
    } else {
      high = middle - 1
    }
  }
  return render(low)
}

/** Worst first: tenants that could not be read, then failed ones, then the rest, each by score, lowest first. */
export function worstFirst(run: RunReport): TenantOutcome[] {
  const rank = (outcome: TenantOutcome) => (outcome.kind === 'unread' ? 0 : passed(outcome.report) ? 2 : 1)
  const score = (outcome: TenantOutcome) => (outcome.kind === 'read' ? outcome.report.reading.score : Number.NEGATIVE_INFINITY)
  return [...run.tenants].sort((a, b) => rank(a) - rank(b) || score(a) - score(b))
}

/** The run over many tenants: a verdict, then one table with a row per tenant, worst first. */
function runOverview(run: RunReport, rows: number, where: string): string[] {
  const total = run.tenants.length
  const failing = run.tenants.filter(outcome => outcome.kind === 'unread' || !passed(outcome.report)).length
  const unread = run.tenants.filter(outcome => outcome.kind === 'unread').length
  const mark = failing === 0 ? '✅' : run.context.enforced ? '❌' : '⚠️'
  const verdict =
    failing === 0
      ? `Every tenant passed its checks.`
      : `${failing} of ${total} tenants failed${unread > 0 ? ` (${unread} could not be read, which counts as failed)` : ''}` +
        (run.context.enforced ? '.' : ' (a warning only: fail-on-low-score is false).')
  const ordered = worstFirst(run)
  const shown = ordered.slice(0, rows).map(tenantRow)
  return [
    `## ${mark} Device secure score: ${total - failing} of ${total} tenants pass`,
    '',
    verdict,
    '',
    '| Tenant | Score | Change | Exposure | Verdict |',
    '|---|---|---|---|---|',
    ...shown,
    '',
    ...leftOut(ordered.length - shown.length, where)
  ]
}

function tenantRow(outcome: TenantOutcome): string {
  if (outcome.kind === 'unread') {
    return `| ${inlineText(outcome.label)} | | | | ❌ could not be read: ${inlineText(outcome.error, MAX_REASON_CHARS)} |`
  }
  const { report } = outcome
  const delta = scoreDelta(report)
  const failed = report.checks.filter(check => !check.passed)
  const verdict =
    failed.length === 0
      ? '✅ passed'
      : `${report.enforced ? '❌' : '⚠️'} failed: ${[...new Set(failed.map(check => check.input))].join(', ')}`
  return `| ${inlineText(report.label)} | ${shownScore(report)} | ${delta === undefined ? '' : signed(delta)} | ${report.exposure ? formatPoints(report.exposure.score) : ''} | ${verdict} |`
}

/** Each tenant's details in a collapsed block, worst first; `count` of them, then where the rest is. */
function tenantDetails(run: RunReport, count: number, where: 'summary' | 'comment'): string[] {
  const ordered = worstFirst(run)
  const blocks = ordered.slice(0, count).flatMap(outcome => {
    const body =
      outcome.kind === 'unread'
        ? [`Could not be read: ${inlineText(outcome.error, MAX_REASON_CHARS)}`, '']
        : where === 'summary'
          ? tenantSummary(outcome.report, DETAIL_ROWS, SUMMARY_CUT, 3)
          : postedReport(outcome.report, undefined, DETAIL_ROWS, 'of a comment', 3)
    return ['<details>', `<summary>${htmlText(labelOf(outcome))}</summary>`, '', ...body, '</details>', '']
  })
  const left = ordered.length - Math.min(count, ordered.length)
  const rest =
    left > 0
      ? [
          `Details of ${plainDecimal(left)} more tenant${left === 1 ? '' : 's'} left out to fit GitHub's limit on the length; ` +
            (where === 'summary' ? 'the report-json output has every tenant.' : 'the job summary of the run has them.'),
          ''
        ]
      : []
  return [...blocks, ...rest]
}

/** Rows of each table in a tenant's details block. */
const DETAIL_ROWS = 20

/** Text inside an HTML element (a `<summary>`): Markdown-inert like a cell, and no tag can open. */
function htmlText(text: string): string {
  return inlineText(text).replace(/\\</g, '&lt;').replace(/\\>/g, '&gt;')
}

/** The line under a table cut to fit: how many rows were left out, and where they are. */
function leftOut(count: number, where: string): string[] {
  return count > 0
    ? [`${plainDecimal(count)} more row${count === 1 ? '' : 's'} left out to fit GitHub's limit on the length ${where}.`, '']
    : []
}

/** Check messages the log gives at most; the summary and report-json have the rest. */
export const MAX_LOGGED_CHECKS = 20

/** One line for the log when nothing failed. */
export function outcomeMessage(run: RunReport): string {
  const [only] = run.tenants
  if (run.tenants.length === 1 && only?.kind === 'read') {
    const report = only.report
    if (report.checks.length === 0) {
      return `Device secure score is ${shownScore(report)} points (no threshold set, so nothing to check).`
    }
    return checkMessages(report.checks).join(' ')
  }
  return `Every one of the ${run.tenants.length} tenants passed its checks.`
}

/** The checks' messages for the log, at most {@link MAX_LOGGED_CHECKS}, then how many more there are. */
export function checkMessages(checks: Check[]): string[] {
  return cappedMessages(checks.map(check => check.message))
}

/** At most {@link MAX_LOGGED_CHECKS} messages, then how many more there are. */
export function cappedMessages(messages: string[]): string[] {
  const more = messages.length - MAX_LOGGED_CHECKS
  return [...messages.slice(0, MAX_LOGGED_CHECKS), ...(more > 0 ? [`And ${more} more (the job summary and report-json list them).`] : [])]
}

function overview(report: ScoreReport, rows: number, where: string, level: number): string[] {
  const [mark, verdict] = verdictOf(report)
  return [
    `${'#'.repeat(level)} ${mark} Device secure score: ${shownScore(report)} points`,
    '',
    verdict,
    '',
    ...checksTable(report, rows, where),
    '| Reading | |',
    '|---|---|',
    ...detailRows(report).map(([name, value]) => `| ${name} | ${value} |`),
    ''
  ]
}

function verdictOf(report: ScoreReport): [string, string] {
  const { checks } = report
  const failed = checks.filter(check => !check.passed)
  if (checks.length === 0) {
    return ['ℹ️', 'No threshold set: the score is reported, nothing is checked.']
  }
  if (failed.length === 0) {
    return ['✅', checks.length === 1 ? 'The check passed.' : `All ${checks.length} checks passed.`]
  }
  const unevaluated = failed.filter(check => check.unevaluated !== undefined).length
  const count =
    `${failed.length} of ${checks.length} ${checks.length === 1 ? 'check' : 'checks'} failed` +
    (unevaluated > 0 ? ` (${unevaluated} could not be evaluated, which counts as failed)` : '')
  return report.enforced ? ['❌', `${count}.`] : ['⚠️', `${count} (a warning only: fail-on-low-score is false).`]
}

/** The checks, failed ones first, so that a table cut to fit keeps them. */
function checksTable(report: ScoreReport, rows: number, where: string): string[] {
  if (report.checks.length === 0) {
    return []
  }
  const ordered = [...report.checks.filter(check => !check.passed), ...report.checks.filter(check => check.passed)]
  const shown = ordered.slice(0, rows).map(check => {
    const [value, limitValue] = check.value === undefined ? ['', formatPoints(check.limit)] : formatCompared(check.value, check.limit)
    const definition = checkDefinition(check.input)
    const limit = `${definition?.direction ?? 'at most'} ${limitValue}`
    const shownValue =
      check.unevaluated !== undefined
        ? `could not be evaluated: ${inlineText(check.unevaluated, MAX_REASON_CHARS)}`
        : check.note !== undefined
          ? inlineText(check.note, MAX_REASON_CHARS)
          : value
    const result = check.passed ? '✅ passed' : report.enforced ? '❌ failed' : '⚠️ failed (warning)'
    const name = definition?.label ?? check.input
    const label = check.subject === undefined ? name : `${name}: ${inlineText(check.subject)}`
    return `| ${label} (\`${check.input}\`) | ${limit} | ${shownValue} | ${result} |`
  })
  return ['| Check | Limit | Value | Result |', '|---|---|---|---|', ...shown, '', ...leftOut(ordered.length - shown.length, where)]
}

/** Longest reason shown in a cell: a failure message of GitHub's can be long. */
const MAX_REASON_CHARS = 400

function detailRows(report: ScoreReport): Array<[string, string]> {
  const rows: Array<[string, string]> = [['Score', `**${shownScore(report)}** points${describeDelta(report)}`]]
  if (report.exposure) {
    const exposure = report.exposure.score
    const limit = limitOf(report.checks, 'exposure')
    rows.push([
      'Exposure score',
      `${limit === undefined ? formatPoints(exposure) : formatCompared(exposure, limit)[0]}, ${exposureLevel(exposure)} (0-29 low, 30-69 medium, 70-100 high; lower is better)`
    ])
  }
  rows.push(
    ['Reported at', inlineText(report.reading.time)],
    // Tenant and host are validated inputs (a GUID or domain, a URL's host): no backtick can be in them.
    ['Tenant', report.tenant ? `\`${report.tenant}\`` : 'not given'],
    ['Cloud', report.region ? `${report.cloud} (region ${report.region})` : report.cloud],
    ['API host', `\`${report.apiHost}\``],
    ['Signed in with', AUTH_LABELS[report.authMethod]]
  )
  return rows
}

function describeDelta(report: ScoreReport): string {
  const previous = report.history?.previous
  const delta = scoreDelta(report)
  if (!previous || delta === undefined) {
    return report.history ? ' (first reading of this tenant)' : ''
  }
  const change = delta === 0 ? 'unchanged' : delta > 0 ? `up ${formatPoints(delta)}` : `down ${formatPoints(-delta)}`
  return `, ${change} since the previous reading (${formatPoints(previous.score)} at ${inlineText(previous.time)})`
}

function deviceGroupsSection(report: ScoreReport, rows: number, where: string, level: number): string[] {
  const groups = report.deviceGroups?.groups
  if (!groups) {
    return []
  }
  if (groups.length === 0) {
    return [`${'#'.repeat(level)} Device groups`, '', 'None of the device groups asked for is listed by the API.', '']
  }
  const limit = limitOf(report.checks, 'device group exposure')
  const shown = groups.slice(0, rows).map(group => {
    const score = limit === undefined ? formatPoints(group.score) : formatCompared(group.score, limit)[0]
    return `| ${inlineText(group.name)} | ${score} | ${exposureLevel(group.score)} |`
  })
  return [
    `${'#'.repeat(level)} Exposure score by device group`,
    '',
    '| Device group | Exposure score | Level |',
    '|---|---|---|',
    ...shown,
    '',
    ...leftOut(groups.length - shown.length, where)
  ]
}

/** IDs a line of new or no longer exploitable vulnerabilities names at most. */
const NAMED_CHANGES = 20

/** The exploitable vulnerabilities: how many, what changed (the new ones first), then the first to fix. */
function vulnerabilitiesSection(report: ScoreReport, rows: number, where: string, level: number): string[] {
  const vulnerabilities = report.vulnerabilities
  if (!vulnerabilities) {
    return []
  }
  const heading = `${'#'.repeat(level)} Exploitable vulnerabilities (${severityRange(vulnerabilities.severity)})`
  if (vulnerabilities.kind === 'unavailable') {
    return [heading, '', `Could not be read: ${inlineText(vulnerabilities.reason, MAX_REASON_CHARS)}`, '']
  }
  const { count, changes, listed, added } = vulnerabilities
  const counted =
    count === 0
      ? 'No vulnerability at this severity has a known exploit on a device.'
      : `${plainDecimal(count)} ${count === 1 ? 'vulnerability has' : 'vulnerabilities have'} a known exploit (public, verified or in an exploit kit) and ${count === 1 ? 'is' : 'are'} on at least one device.`
  const newlyNamed = added.map(item => item.id)
  const change =
    changes.kind === 'compared'
      ? [
          changes.added.length === 0
            ? `None became exploitable since the previous reading (${inlineText(changes.since)}).`
            : `**New since the previous reading** (${inlineText(changes.since)}): ${namedIds(newlyNamed)}.`,
          ...(changes.removed.length > 0 ? [`No longer exploitable: ${namedIds(changes.removed)}.`] : [])
        ]
      : changes.kind === 'first'
        ? [`New ones: ${inlineText(changes.note, MAX_REASON_CHARS)}.`]
        : changes.kind === 'unknown'
          ? [`Which are new could not be told: ${inlineText(changes.reason, MAX_REASON_CHARS)}.`]
          : []
  const isNew = new Set(newlyNamed)
  const shown = listed.slice(0, rows).map(item => {
    const mark = isNew.has(item.id) ? ' 🆕' : ''
    const epss = item.epss === undefined ? '' : `${formatPoints(item.epss * 100)}%`
    const cvss = item.cvssV3 === undefined ? '' : formatPoints(item.cvssV3)
    return `| ${vulnerabilityId(item.id)}${mark} | ${item.severity} | ${cvss} | ${epss} | ${plainDecimal(item.exposedMachines)} | ${exploitKind(item)} |`
  })
  const table =
    shown.length > 0
      ? [
          `The first ${shown.length} to fix (a verified exploit or one in a kit first, then by EPSS, CVSS and exposed devices):`,
          '',
          '| Vulnerability | Severity | CVSS | EPSS | Exposed devices | Exploit |',
          '|---|---|---|---|---|---|',
          ...shown,
          '',
          ...leftOut(listed.length - shown.length, where)
        ]
      : []
  return [heading, '', counted, '', ...change.flatMap(line => [line, '']), ...table]
}

/** The first {@link NAMED_CHANGES} IDs, then how many more. */
function namedIds(ids: string[]): string {
  const more = ids.length - NAMED_CHANGES
  return `${ids.slice(0, NAMED_CHANGES).map(vulnerabilityId).join(', ')}${more > 0 ? ` and ${plainDecimal(more)} more` : ''}`
}

/** A CVE ID links to its record at cve.org, a link the action makes from the checked shape alone; any other ID is inert text. */
function vulnerabilityId(id: string): string {
  return isCveId(id) ? `[${id}](https://www.cve.org/CVERecord?id=${id})` : inlineText(id, 64)
}

function recommendationsSection(report: ScoreReport, rows: number, where: string, level: number): string[] {
  if (!report.recommendations) {
    return []
  }
  const { top: items, excepted } = report.recommendations
  const exceptions =
    excepted > 0
      ? [`${excepted} recommendation${excepted === 1 ? ' was' : 's were'} left out: the security team granted an exception.`, '']
      : []
  if (items.length === 0) {
    return [`${'#'.repeat(level)} Top recommendations`, '', 'The API listed no active security recommendations.', '', ...exceptions]
  }
  const shown = items.slice(0, rows).map((item, index) => {
    const devices =
      item.exposedMachines === undefined
        ? ''
        : `${plainDecimal(item.exposedMachines)}${item.totalMachines === undefined ? '' : ` of ${plainDecimal(item.totalMachines)}`}`
    return `| ${index + 1} | ${inlineText(item.name)} | ${inlineText(item.category)} | ${signed(item.configScoreImpact)} | ${devices} |`
  })
  return [
    `${'#'.repeat(level)} Top ${items.length} recommendations by score impact`,
    '',
    ...(shown.length > 0
      ? ['| # | Recommendation | Category | Score impact (points) | Exposed devices |', '|---|---|---|---|---|', ...shown, '']
      : []),
    ...leftOut(items.length - shown.length, where),
    ...exceptions
  ]
}

function historyChart(report: ScoreReport): string[] {
  const chart = trendChart(report.history?.recent ?? [], limitOf(report.checks, 'score'))
  return chart.length > 0 ? [...chart, ''] : []
}

function historySection(report: ScoreReport, level: number): string[] {
  const all = report.history?.recent
  if (!all || all.length < 2) {
    return []
  }
  const recent = all.slice(-TABLE_READINGS)
  const scores = recent.map(entry => entry.score)
  const first = scores[0] ?? 0
  const last = scores.at(-1) ?? 0
  const rows = recent.map((entry, index) => {
    const before = recent[index - 1]
    const change = before ? signed(entry.score - before.score) : ''
    return `| ${inlineText(entry.time)} | ${formatPoints(entry.score)} | ${change} | ${entry.exposure === null ? '' : formatPoints(entry.exposure)} |`
  })
  return [
    `${'#'.repeat(level)} Last ${recent.length} readings`,
    '',
    `Trend: \`${sparkline(scores)}\` ${formatPoints(first)} → ${formatPoints(last)} (${signed(last - first)})`,
    '',
    ...historyChart(report),
    '| Time | Score | Change | Exposure |',
    '|---|---|---|---|',
    ...rows,
    ''
  ]
}

function footnote(): string[] {
  return [
    '<sub>Microsoft Defender for Endpoint reports the score in points with no documented maximum (higher is better); ' +
      'the time is when the API answered, not when the score was computed.</sub>',
    ''
  ]
}

export function sparkline(values: number[]): string {
  const low = Math.min(...values)
  const high = Math.max(...values)
  return values.map(value => SPARKS[high === low ? 3 : Math.round(((value - low) / (high - low)) * (SPARKS.length - 1))]).join('')
}

function signed(value: number): string {
  return value > 0 ? `+${formatPoints(value)}` : formatPoints(value)
}

/** Longest text from outside shown in one cell; longer is cut with an ellipsis. */
export const MAX_CELL_CHARS = 120

/**
 * Text from outside, inert in GitHub Markdown: control characters shown as escapes, Markdown and
 * HTML punctuation backslash-escaped (no link, image, emphasis, HTML or table break), and mentions
 * (`@team`), issue references (`#1`, `owner/repo#2`, `GH-3`) and bare URLs broken with a zero-width
 * space so they neither ping nor link.
 */
export function inlineText(text: string, maxChars = MAX_CELL_CHARS): string {
  const redacted = redactSecrets(text)
  const cut = [...redacted].length > maxChars ? `${[...redacted].slice(0, maxChars - 1).join('')}…` : redacted
  return (
    cut
      // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point: they are shown, not obeyed.
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, character => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`)
      .replace(/[\\`*_{}[\]()<>|!~&#$]/g, character => `\\${character}`)
      .replace(/@/g, '@\u200b')
      // #1, owner/repo#2 and GH-3 would link, and put a cross-reference on that issue's timeline (references are numbers).
      .replace(/#(?=\d)/g, '#\u200b')
      .replace(/\b(GH)-(?=\d)/gi, '$1\u200b-')
      .replace(/:\/\//g, ':\u200b//')
      .replace(/(w)(ww\.)/gi, '$1\u200b$2')
  )
}
