/** The step's outputs: their one list, checked against action.yml by a test, and their values. */
import { redactedJson } from '../secrets.js'
import { capText, REPORT_LIST_CAP, type ReportJson, type TenantFieldsJson, type TenantJson } from './report-json.js'
import { devicesJson } from '../sources/devices/report-json.js'
import { vulnerabilitiesJson } from '../sources/vulnerabilities/report-json.js'
import { scoreChangeJson } from '../sources/recommendations/report-json.js'
import { DEVICE_OUTPUTS, deviceOutputs } from '../sources/devices/outputs.js'
import { VULNERABILITY_OUTPUTS, vulnerabilityOutputs } from '../sources/vulnerabilities/outputs.js'
import { topRecommendations } from '../sources/recommendations/answers.js'
import { formatPoints } from '../format.js'
import { limitOf } from '../checks/registry.js'
import { exposureLevel } from '../sources/exposure/source.js'
import {
  failedTenants,
  passed,
  readReports,
  runBadgeSpec,
  runPassed,
  scoreDelta,
  unevaluatedChecks,
  type RunReport,
  type ScoreReport,
  type TenantOutcome
} from './model.js'

export const OUTPUT_NAMES = [
  'score',
  'score-time',
  'min-score',
  'passed',
  'unevaluated-checks',
  'exposure-score',
  'previous-score',
  'score-delta',
  'badge-file',
  'badge-json',
  'comment-url',
  'issue-url',
  'report-json',
  'failed-tenants',
  // A source's outputs are its folder's (its outputs.ts), in action.yml's order.
  ...VULNERABILITY_OUTPUTS,
  ...DEVICE_OUTPUTS
] as const

export type OutputName = (typeof OUTPUT_NAMES)[number]

/** What the optional extras produced; an extra that was skipped or failed leaves its output empty. */
export interface Published {
  badgeFile?: string | undefined
  commentUrl?: string | undefined
  issueUrl?: string | undefined
}

/**
 * The outputs. The per-tenant ones (score, its time, min-score, exposure, previous reading) are the
 * lowest-scoring tenant's read, which is the only one with one tenant; `passed` is every tenant's.
 */
export function reportOutputs(run: RunReport, published: Published): Record<OutputName, string> {
  const report = lowest(run)
  const minScore = report && limitOf(report.checks, 'score')
  const delta = report && scoreDelta(report)
  return {
    score: report ? formatPoints(report.reading.score, 'exact') : '',
    'score-time': report?.reading.time ?? '',
    'min-score': minScore === undefined ? '' : formatPoints(minScore, 'exact'),
    passed: String(runPassed(run)),
    'unevaluated-checks': String(unevaluatedChecks(run)),
    'exposure-score': report?.exposure ? formatPoints(report.exposure.score, 'exact') : '',
    'previous-score': report?.history?.previous ? formatPoints(report.history.previous.score, 'exact') : '',
    'score-delta': delta === undefined ? '' : formatPoints(delta, 'exact'),
    'badge-file': published.badgeFile ?? '',
    'badge-json': JSON.stringify({ schemaVersion: 1, ...runBadgeSpec(run) }),
    'comment-url': published.commentUrl ?? '',
    'issue-url': published.issueUrl ?? '',
    'report-json': reportJson(run, published),
    'failed-tenants': failedTenants(run).join('\n'),
    ...vulnerabilityOutputs(report?.vulnerabilities, report && limitOf(report.checks, 'age')),
    ...deviceOutputs(report?.devices)
  }
}

/** The tenant read with the lowest score (the first of equals); undefined when none was read. */
function lowest(run: RunReport): ScoreReport | undefined {
  return readReports(run).reduce<ScoreReport | undefined>(
    (low, report) => (low && low.reading.score <= report.reading.score ? low : report),
    undefined
  )
}

/**
 * The version of the report-json document. Changes are additive only: a field is never removed nor
 * changes meaning within a version, so readers may ignore fields they do not know.
 */
export const REPORT_SCHEMA_VERSION = 1

export { REPORT_LIST_CAP, REPORT_TEXT_CAP } from './report-json.js'

/**
 * The run as one JSON document on one line, for chat webhooks, tickets and archives (schema in the
 * README). The top-level fields are the lowest-scoring tenant's (the only one's, with one), `passed`
 * is every tenant's, and `tenants` has one object per tenant.
 */
export function reportJson(run: RunReport, published: Published, maxBytes = REPORT_MAX_BYTES): string {
  const render = (tenants: TenantOutcome[]) => reportDocument(run, published, tenants)
  const listed = run.tenants.slice(0, REPORT_LIST_CAP)
  const whole = render(listed)
  if (Buffer.byteLength(whole, 'utf8') <= maxBytes) {
    return whole
  }
  // Cut to fit: the tenants that failed first, so that what failed is always in it.
  const ordered = [...run.tenants].sort((a, b) => failureRank(a) - failureRank(b))
  let low = 0
  let high = listed.length
  while (low < high) {
    const middle = Math.ceil((low + high) / 2)
    if (Buffer.byteLength(render(ordered.slice(0, middle)), 'utf8') <= maxBytes) low = middle
    else high = middle - 1
  }
  return render(ordered.slice(0, low))
}

/**
 * The most report-json holds, in bytes: GitHub keeps an output of at most 1 MB. Past it, tenants are
 * left out (failed ones kept first) and `tenantsOmitted` counts them.
 */
export const REPORT_MAX_BYTES = 1_000_000

function failureRank(outcome: TenantOutcome): number {
  return outcome.kind === 'unread' ? 0 : passed(outcome.report) ? 2 : 1
}

function reportDocument(run: RunReport, published: Published, tenants: TenantOutcome[]): string {
  const report = lowest(run)
  const document: ReportJson = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    ...(report ? tenantFields(report) : UNREAD_FIELDS),
    passed: runPassed(run),
    enforced: run.context.enforced,
    tenant: report?.tenant ?? '',
    cloud: run.context.cloud,
    region: run.context.region ?? null,
    apiHost: run.context.apiHost,
    commentUrl: published.commentUrl ?? null,
    issueUrl: published.issueUrl ?? null,
    tenants: tenants.map(tenantDocument),
    tenantsOmitted: run.tenants.length - tenants.length,
    acceptedRisks: run.acceptedRisks
      ? {
          from: run.acceptedRisks.where,
          entries: run.acceptedRisks.entries,
          unused: run.acceptedRisks.unused.map(risk => ({ entry: risk.entry, id: capText(risk.id), expires: risk.expires }))
        }
      : null
  }
  // JSON.stringify leaves U+2028 and U+2029 as they are; escaped, no line break of any kind reaches the output.
  return redactedJson(document).replace(/[\u2028\u2029]/g, character => `\\u${character.charCodeAt(0).toString(16)}`)
}

/** The per-tenant fields of a tenant that could not be read. */
const UNREAD_FIELDS: TenantFieldsJson = {
  score: null,
  time: null,
  checks: [],
  checksOmitted: 0,
  exposureScore: null,
  exposureLevel: null,
  previousScore: null,
  previousTime: null,
  scoreDelta: null,
  recommendations: null,
  exceptedRecommendations: null,
  deviceGroups: null,
  deviceGroupsOmitted: null,
  vulnerabilities: null,
  devices: null,
  accepted: null,
  scoreChange: null,
  staleSince: null
}

function tenantDocument(outcome: TenantOutcome): TenantJson {
  if (outcome.kind === 'unread') {
    return { tenant: outcome.tenant, name: outcome.label, ...UNREAD_FIELDS, passed: false, error: capText(outcome.error) }
  }
  const { report } = outcome
  return { tenant: report.tenant, name: report.label, ...tenantFields(report), passed: passed(report) }
}

/** What report-json says of one tenant read. */
function tenantFields(report: ScoreReport): TenantFieldsJson {
  const previous = report.history?.previous
  // Failed checks first when the list is cut, so that what failed is always in it.
  const checks =
    report.checks.length > REPORT_LIST_CAP
      ? [...report.checks.filter(check => !check.passed), ...report.checks.filter(check => check.passed)]
      : report.checks
  const groups = report.deviceGroups?.groups
  return {
    score: report.reading.score,
    time: report.reading.time,
    checks: checks.slice(0, REPORT_LIST_CAP).map(check => ({
      input: check.input,
      ...(check.subject === undefined ? {} : { subject: capText(check.subject) }),
      limit: check.limit,
      value: check.value ?? null,
      passed: check.passed,
      ...(check.unevaluated === undefined ? {} : { reason: `could not be evaluated: ${capText(check.unevaluated)}` }),
      ...(check.note === undefined ? {} : { note: check.note })
    })),
    checksOmitted: Math.max(0, checks.length - REPORT_LIST_CAP),
    exposureScore: report.exposure?.score ?? null,
    exposureLevel: report.exposure ? exposureLevel(report.exposure.score) : null,
    previousScore: previous?.score ?? null,
    previousTime: previous?.time ?? null,
    scoreDelta: scoreDelta(report) ?? null,
    recommendations:
      (report.recommendations?.shown ? topRecommendations(report.recommendations) : undefined)?.map(item => ({
        ...item,
        name: capText(item.name),
        category: capText(item.category),
        product: capText(item.product)
      })) ?? null,
    exceptedRecommendations: report.recommendations?.shown ? report.recommendations.excepted : null,
    deviceGroups:
      groups?.slice(0, REPORT_LIST_CAP).map(group => ({
        name: capText(group.name),
        exposureScore: group.score,
        exposureLevel: exposureLevel(group.score)
      })) ?? null,
    deviceGroupsOmitted: groups ? Math.max(0, groups.length - REPORT_LIST_CAP) : null,
    vulnerabilities: vulnerabilitiesJson(report.vulnerabilities),
    devices: devicesJson(report.devices),
    accepted:
      report.acceptance?.items.slice(0, REPORT_LIST_CAP).map(({ risk, item, leftOutOf, expired }) => ({
        item: capText(item),
        entry: risk.entry,
        id: capText(risk.id),
        owner: capText(risk.owner),
        reason: capText(risk.reason),
        expires: risk.expires,
        leftOutOf,
        expired
      })) ?? null,
    scoreChange: scoreChangeJson(report.scoreChange),
    staleSince: report.stale?.since ?? null
  }
}
