/**
 * The three Markdown documents of a run: the job summary, the sticky pull-request comment and a
 * tenant's tracking issue, from one model (./model.ts). Each source's section is its own
 * (../sources/<source>/section.ts); fitting to GitHub's sizes is ./fit.ts's; every text from outside
 * goes through ./inline.ts, so it renders as inert text.
 */
import { acceptedRisksSection } from '../accepted-risks/section.js'
import { checkDefinition, limitOf } from '../checks/registry.js'
import { deviceGroupsSection } from '../sources/device-groups/section.js'
import { activeDevices, COVERAGE_CAVEAT, coverageSection } from '../sources/devices/section.js'
import { exposureLevel } from '../sources/exposure/source.js'
import { recommendationsSection, scoreChangeSection, staleNote } from '../sources/recommendations/section.js'
import { vulnerabilitiesSection } from '../sources/vulnerabilities/section.js'
import { formatCompared, formatPoints, plainDecimal, signedPoints } from '../format.js'
import type { AuthMethod } from '../signin/credentials.js'
import { CHECKS_RECORD_CHARS, type TrackingIssueContent } from '../github/tracking-issue.js'
import type { Check } from '../checks/check.js'
import { fitRows, fitTenants, leftOut } from './fit.js'
import { shortReason } from './reasons.js'
import { htmlText, inlineText, MAX_REASON_CHARS, timeText } from './inline.js'
import { staticBadgeUrl } from './badge.js'
import { trendChart } from './chart.js'
import {
  commentMarker,
  issueMarker,
  labelOf,
  passed,
  readReports,
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
    run.tenants.length,
    (details, rows) => [...runOverview(run, rows, SUMMARY_CUT), ...tenantDetails(run, details, 'summary')].join('\n'),
    fits
  )
}

const SUMMARY_CUT = 'of a job summary; the report-json output lists more (up to its documented caps)'

/** What a tenant's report shows below its overview, in every document: each source's section, under headings at `level + 1`. */
function tenantSections(report: ScoreReport, rows: number, where: string, level: number): string[] {
  return [
    ...staleNote(report.stale),
    ...scoreChangeSection(report.scoreChange, rows, level + 1),
    ...vulnerabilitiesSection(report.vulnerabilities, limitOf(report.checks, 'age'), rows, where, level + 1),
    ...acceptedRisksSection(report.acceptance, rows, where, level + 1),
    // The caveat once: in a tenant's own report (level 2); with many tenants, under their table.
    ...coverageSection(report.devices, rows, where, level + 1, level === 2),
    ...deviceGroupsSection(report.deviceGroups, limitOf(report.checks, 'device group exposure'), rows, where, level + 1),
    ...recommendationsSection(report.recommendations, rows, where, level + 1)
  ]
}

/** One tenant's full report, its headings at `level`: what the summary shows of it. */
function tenantSummary(report: ScoreReport, rows: number, where: string, level: number): string[] {
  return [
    ...overview(report, rows, where, level),
    ...tenantSections(report, rows, where, level),
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
    run.tenants.length,
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
    recovery: `Recovered: score ${shownScore(report)} points at ${timeText(report.reading.time)}, every check passes${run}.`
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

/** The report as the comment and the tracking issue show it: with the chart, without the history table, linked to the run. */
function postedReport(report: ScoreReport, runUrl: string | undefined, rows: number, ofWhat: string, level: number): string[] {
  const where = `${ofWhat}; the job summary of the run lists more`
  return [
    ...overview(report, rows, where, level),
    ...tenantSections(report, rows, where, level),
    ...historyChart(report),
    ...runLink(runUrl),
    ...footnote()
  ]
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
  // With coverage read for any tenant, the table says how many of each tenant's devices still report.
  const coverage = readReports(run).some(report => report.devices !== undefined)
  const shown = ordered.slice(0, rows).map(outcome => tenantRow(outcome, coverage))
  return [
    `## ${mark} Device secure score: ${total - failing} of ${total} tenants pass`,
    '',
    verdict,
    '',
    coverage ? '| Tenant | Score | Change | Exposure | Active devices | Verdict |' : '| Tenant | Score | Change | Exposure | Verdict |',
    coverage ? '|---|---|---|---|---|---|' : '|---|---|---|---|---|',
    ...shown,
    '',
    ...leftOut(ordered.length - shown.length, where),
    ...(coverage ? [COVERAGE_CAVEAT, ''] : [])
  ]
}

/** Failed checks a tenant's row names at most; its details have them all. */
const FAILED_IN_ROW = 3

function tenantRow(outcome: TenantOutcome, coverage: boolean): string {
  if (outcome.kind === 'unread') {
    // The short reason here; the whole message in the tenant's details.
    return `| ${inlineText(outcome.label)} | | | |${coverage ? ' |' : ''} ❌ not read: ${inlineText(shortReason(outcome.error))} |`
  }
  const { report } = outcome
  const delta = scoreDelta(report)
  const failed = report.checks.filter(check => !check.passed)
  const named = failed.slice(0, FAILED_IN_ROW).map(failedBriefly)
  const more = failed.length > FAILED_IN_ROW ? ` and ${failed.length - FAILED_IN_ROW} more` : ''
  const onlyUnevaluated = failed.every(check => check.unevaluated !== undefined)
  const verdict =
    failed.length === 0
      ? '✅ passed'
      : `${report.enforced ? (onlyUnevaluated ? '❓' : '❌') : '⚠️'} ${onlyUnevaluated ? 'not evaluated' : 'failed'}: ${named.join(', ')}${more}`
  const devices = report.devices?.kind === 'read' ? activeDevices(report.devices.coverage).replace(' onboarded devices active', '') : ''
  return `| ${inlineText(report.label)} | ${shownScore(report)} | ${delta === undefined ? '' : signedPoints(delta)} | ${report.exposure ? formatPoints(report.exposure.score) : ''} |${coverage ? ` ${devices} |` : ''} ${verdict} |`
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
  const evaluated = failed.length - unevaluated
  // Two kinds of red: a limit broken, and a check that could not be decided (which is not a crash, and fails closed).
  const parts = [
    ...(evaluated > 0 ? [`${evaluated} of ${checks.length} ${checks.length === 1 ? 'check' : 'checks'} failed`] : []),
    ...(unevaluated > 0
      ? [
          `${unevaluated} ${unevaluated === 1 ? 'check' : 'checks'} could not be evaluated, so the gate fails closed (see why below; nothing crashed)`
        ]
      : [])
  ]
  const count = parts.join('; ')
  const mark = evaluated > 0 ? '❌' : '❓'
  return report.enforced ? [mark, `${count}.`] : ['⚠️', `${count} (a warning only: fail-on-low-score is false).`]
}

/** A failed check in a few words: its numbers ("288 < 300 (min-score)"), or that it could not be evaluated. */
export function failedBriefly(check: Check): string {
  if (check.unevaluated !== undefined || check.value === undefined) {
    return `${check.input} not evaluated`
  }
  const [value, limit] = formatCompared(check.value, check.limit)
  const subject = check.subject === undefined ? '' : ` ${inlineText(check.subject, 40)}`
  return `${value} ${checkDefinition(check.input)?.direction === 'at least' ? '<' : '>'} ${limit} (${check.input}${subject})`
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
        : check.note === undefined
          ? value
          : check.value === undefined
            ? inlineText(check.note, MAX_REASON_CHARS)
            : `${value} (${inlineText(check.note, MAX_REASON_CHARS)})`
    const result = check.passed
      ? '✅ passed'
      : check.unevaluated !== undefined
        ? report.enforced
          ? '❓ not evaluated: fails closed'
          : '⚠️ not evaluated (warning)'
        : report.enforced
          ? '❌ failed'
          : '⚠️ failed (warning)'
    const name = definition?.label ?? check.input
    const label = check.subject === undefined ? name : `${name}: ${inlineText(check.subject)}`
    return `| ${label} (\`${check.input}\`) | ${limit} | ${shownValue} | ${result} |`
  })
  return ['| Check | Limit | Value | Result |', '|---|---|---|---|', ...shown, '', ...leftOut(ordered.length - shown.length, where)]
}

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
    ['Reported at', timeText(report.reading.time)],
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
  return `, ${change} since the previous reading (${formatPoints(previous.score)} at ${timeText(previous.time)})`
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
    const change = before ? signedPoints(entry.score - before.score) : ''
    return `| ${timeText(entry.time)} | ${formatPoints(entry.score)} | ${change} | ${entry.exposure === null ? '' : formatPoints(entry.exposure)} |`
  })
  return [
    `${'#'.repeat(level)} Last ${recent.length} readings`,
    '',
    `Trend: \`${sparkline(scores)}\` ${formatPoints(first)} → ${formatPoints(last)} (${signedPoints(last - first)})`,
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
