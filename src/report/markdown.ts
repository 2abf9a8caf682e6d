/**
 * Markdown renderings of the report: the job summary and the sticky pull-request comment. Every
 * piece of text that came from outside (the API, the history) goes through {@link inlineText}, so it
 * renders as inert text: no mention, link, image, HTML or table break, and no longer than a cell.
 */
import { exposureLevel, type Check } from '../gate/checks.js'
import { formatCompared, formatPoints, plainDecimal } from '../format.js'
import type { AuthMethod } from '../config/settings.js'
import type { TrackingIssueContent } from '../github/tracking-issue.js'
import { staticBadgeUrl } from './badge.js'
import { trendChart } from './chart.js'
import { badgeSpec, commentMarker, issueMarker, scoreDelta, type ScoreReport } from './model.js'

const AUTH_LABELS: Record<AuthMethod, string> = {
  oidc: 'GitHub OIDC federated credential',
  secret: 'client secret',
  certificate: 'client certificate',
  token: 'access token given to the action'
}

const CHECK_LABELS: Record<Check['input'], string> = {
  'min-score': 'Score',
  'max-exposure-score': 'Exposure score',
  'max-drop': 'Fall since the previous reading',
  'max-device-group-exposure-score': 'Device group exposure'
}

/** Readings listed in the history table; the chart shows more. */
const TABLE_READINGS = 10

const SPARKS = '▁▂▃▄▅▆▇█'

/** Markdown for the job summary. */
export function renderSummary(report: ScoreReport): string {
  return [
    ...overview(report),
    ...deviceGroupsSection(report),
    ...recommendationsSection(report),
    ...historySection(report),
    ...footnote()
  ].join('\n')
}

/** GitHub refuses a comment longer than this (HTTP 422), and the old comment would stay. */
export const MAX_COMMENT_CHARS = 65_536

/**
 * Markdown for the sticky pull-request comment: the same facts, with the badge on top. Always fits
 * GitHub's limit: recommendation rows are left out, and said so, until it does.
 */
export function renderComment(report: ScoreReport, runUrl: string | undefined, maxChars = MAX_COMMENT_CHARS): string {
  const badge = badgeSpec(report)
  const render = (rows: number): string =>
    [
      commentMarker(report),
      `![${badge.label}: ${badge.message}](${staticBadgeUrl(badge)})`,
      '',
      ...postedReport(report, runUrl, rows)
    ].join('\n')
  for (let rows = report.recommendations?.top.length ?? 0; rows > 0; rows--) {
    const comment = render(rows)
    if (comment.length <= maxChars) {
      return comment
    }
  }
  return render(0)
}

/** The tracking issue of issue-on-failure: the same report as the comment, under a title that names the tenant. */
export function trackingIssueContent(report: ScoreReport, runUrl: string | undefined): TrackingIssueContent {
  const marker = issueMarker(report)
  const failed = report.checks.filter(check => !check.passed).map(check => check.input)
  const run = runUrl ? ` ([run](${runUrl}))` : ''
  return {
    marker,
    title: `Device secure score check failing${report.tenant ? ` for tenant ${report.tenant}` : ''}: ${[...new Set(failed)].join(', ')}`,
    body: [
      marker,
      'This issue stays open while the scheduled device secure score check fails, and is closed by the first run that passes every check.',
      '',
      ...postedReport(report, runUrl)
    ].join('\n'),
    recovery: `Recovered: score ${formatPoints(report.reading.score)} points at ${report.reading.time}, every check passes${run}.`
  }
}

/** The report as the comment and the tracking issue show it: with the chart, without the history table, linked to the run. */
function postedReport(report: ScoreReport, runUrl: string | undefined, recommendationRows = Number.POSITIVE_INFINITY): string[] {
  return [
    ...overview(report),
    ...deviceGroupsSection(report),
    ...recommendationsSection(report, recommendationRows),
    ...historyChart(report),
    ...(runUrl ? [`<sub>Updated by [this workflow run](${runUrl}).</sub>`, ''] : []),
    ...footnote()
  ]
}

/** One line for the log when nothing failed. */
export function outcomeMessage(report: ScoreReport): string {
  if (report.checks.length === 0) {
    return `Device secure score is ${formatPoints(report.reading.score)} points (no min-score set, so no threshold to check).`
  }
  return report.checks.map(check => check.message).join(' ')
}

function overview(report: ScoreReport): string[] {
  const [mark, verdict] = verdictOf(report)
  return [
    `## ${mark} Device secure score: ${formatPoints(report.reading.score)} points`,
    '',
    verdict,
    '',
    ...checksTable(report),
    '| | |',
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
  const count = `${failed.length} of ${checks.length} ${checks.length === 1 ? 'check' : 'checks'} failed`
  return report.enforced ? ['❌', `${count}.`] : ['⚠️', `${count} (a warning only: fail-on-low-score is false).`]
}

function checksTable(report: ScoreReport): string[] {
  if (report.checks.length === 0) {
    return []
  }
  const rows = report.checks.map(check => {
    const [value, limitValue] = formatCompared(check.value, check.limit)
    const limit = `${check.input === 'min-score' ? 'at least' : 'at most'} ${limitValue}`
    const result = check.passed ? '✅ passed' : report.enforced ? '❌ failed' : '⚠️ failed (warning)'
    const label = check.subject === undefined ? CHECK_LABELS[check.input] : `${CHECK_LABELS[check.input]}: ${inlineText(check.subject)}`
    return `| ${label} (\`${check.input}\`) | ${limit} | ${value} | ${result} |`
  })
  return ['| Check | Limit | Value | Result |', '|---|---|---|---|', ...rows, '']
}

function detailRows(report: ScoreReport): Array<[string, string]> {
  const rows: Array<[string, string]> = [['Score', `**${formatPoints(report.reading.score)}** points${describeDelta(report)}`]]
  if (report.exposure) {
    const exposure = report.exposure.score
    rows.push([
      'Exposure score',
      `${formatPoints(exposure)}, ${exposureLevel(exposure)} (0-29 low, 30-69 medium, 70-100 high; lower is better)`
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

function deviceGroupsSection(report: ScoreReport): string[] {
  const groups = report.deviceGroups?.groups
  if (!groups) {
    return []
  }
  if (groups.length === 0) {
    return ['### Device groups', '', 'None of the device groups asked for is listed by the API.', '']
  }
  const rows = groups.map(group => `| ${inlineText(group.name)} | ${formatPoints(group.score)} | ${exposureLevel(group.score)} |`)
  return ['### Exposure score by device group', '', '| Device group | Exposure score | Level |', '|---|---|---|', ...rows, '']
}

function recommendationsSection(report: ScoreReport, shownRows = Number.POSITIVE_INFINITY): string[] {
  if (!report.recommendations) {
    return []
  }
  const { top: items, excepted } = report.recommendations
  const exceptions =
    excepted > 0
      ? [`${excepted} recommendation${excepted === 1 ? ' was' : 's were'} left out: the security team granted an exception.`, '']
      : []
  if (items.length === 0) {
    return ['### Top recommendations', '', 'The API listed no active security recommendations.', '', ...exceptions]
  }
  const shown = items.slice(0, shownRows)
  const rows = shown.map((item, index) => {
    const devices =
      item.exposedMachines === undefined
        ? ''
        : `${plainDecimal(item.exposedMachines)}${item.totalMachines === undefined ? '' : ` of ${plainDecimal(item.totalMachines)}`}`
    return `| ${index + 1} | ${inlineText(item.name)} | ${inlineText(item.category)} | ${signed(item.configScoreImpact)} | ${devices} |`
  })
  const left = items.length - shown.length
  return [
    `### Top ${items.length} recommendations by score impact`,
    '',
    ...(rows.length > 0
      ? ['| # | Recommendation | Category | Score impact (points) | Exposed devices |', '|---|---|---|---|---|', ...rows, '']
      : []),
    ...(left > 0 ? [`${left} more left out to fit GitHub's limit on the length of a comment; the job summary lists them all.`, ''] : []),
    ...exceptions
  ]
}

function historyChart(report: ScoreReport): string[] {
  const chart = trendChart(report.history?.recent ?? [], report.checks.find(check => check.input === 'min-score')?.limit)
  return chart.length > 0 ? [...chart, ''] : []
}

function historySection(report: ScoreReport): string[] {
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
    `### Last ${recent.length} readings`,
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
 * (`@team`) and bare URLs broken with a zero-width space so they neither ping nor link.
 */
export function inlineText(text: string, maxChars = MAX_CELL_CHARS): string {
  const cut = [...text].length > maxChars ? `${[...text].slice(0, maxChars - 1).join('')}…` : text
  return (
    cut
      // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point: they are shown, not obeyed.
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, character => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`)
      .replace(/[\\`*_{}[\]()<>|!~&#$]/g, character => `\\${character}`)
      .replace(/@/g, '@\u200b')
      .replace(/:\/\//g, ':\u200b//')
      .replace(/(w)(ww\.)/gi, '$1\u200b$2')
  )
}
