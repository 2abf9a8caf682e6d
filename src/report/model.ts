/**
 * The one model of a run, from which every rendering is made: outputs (./outputs.ts), job summary
 * and pull-request comment (./markdown.ts), badge (./badge.ts). They share it, so they cannot tell
 * different stories. A run holds one report per tenant: what was read and checked, or why it could
 * not be read.
 */
import { createHash } from 'node:crypto'
import type { TenantAcceptance } from '../accepted-risks/apply.js'
import type { AcceptedRisk } from '../accepted-risks/risk.js'
import type { Tenant } from '../tenants/tenant.js'
import type { AuthMethod } from '../signin/credentials.js'
import type { ScoreReading } from '../defender/answers.js'
import type { CoverageReading, DefenderReadings } from '../sources/registry.js'
import type { DeviceGroupReadings } from '../sources/device-groups/answers.js'
import { everyRecommendation, type Recommendation, type Recommendations } from '../sources/recommendations/answers.js'
import { explainScoreChange, impactsDigest, type ScoreChange } from '../sources/recommendations/changes.js'
import { checksPassed, type Check, type VulnerabilityFacts } from '../checks/check.js'
import { evaluateChecks, limitFor, limitOf, type CheckId } from '../checks/registry.js'
import { formatCompared, formatPoints } from '../format.js'
import type { HistoryEntry, HistoryRecord, HistoryView } from '../history/history.js'
import { firstSeenTimes, vulnerabilityAges } from '../sources/vulnerabilities/age.js'
import { isOverdue } from '../sources/vulnerabilities/overdue.js'
import type { ExploitableVulnerability } from '../sources/vulnerabilities/answers.js'
import {
  compareVulnerabilities,
  recordedId,
  type PreviousVulnerabilities,
  type VulnerabilityReport
} from '../sources/vulnerabilities/changes.js'
import type { VulnerabilityReading } from '../sources/vulnerabilities/read.js'

export interface ScoreReport {
  reading: ScoreReading
  exposure: ScoreReading | undefined
  /** Top recommendations by score impact; undefined when not asked for or not available. */
  recommendations: Recommendations | undefined
  /** Exposure scores of the device groups selected; undefined when not asked for or not available. */
  deviceGroups: DeviceGroupReadings | undefined
  /** The exploitable vulnerabilities; undefined when not read. */
  vulnerabilities: VulnerabilityReport | undefined
  /** Coverage: the devices that still report; undefined when not read. */
  devices: CoverageReading | undefined
  /** What the accepted-risks file did to this tenant's reading; undefined without the file. */
  acceptance: TenantAcceptance | undefined
  /** Earlier readings of the same tenant; undefined without history-file. */
  history: HistoryView | undefined
  /** Which recommendations account for a change of the score since the previous reading; undefined when there is nothing to explain. */
  scoreChange: ScoreChange | undefined
  /** The reading is identical to one at least a week older: the data may be stale. */
  stale: { since: string } | undefined
  checks: Check[]
  /** false when fail-on-low-score is off: failed checks only warn. */
  enforced: boolean
  /** The tenant's ID or domain as tenant-id gives it; empty when an access token was given without one. */
  tenant: string
  /** What the report and the log call the tenant: its name, or its ID. */
  label: string
  /** The Microsoft cloud's name (commercial, gcc, gcc-high, dod). */
  cloud: string
  /** The commercial cloud's region, when one was asked for. */
  region: string | undefined
  /** Host of the Defender API that answered. */
  apiHost: string
  authMethod: AuthMethod
}

/** What every tenant's report shares: how the run signs in, where it reads, whether failures fail the step. */
export interface RunContext {
  /** How many exploitable vulnerabilities a report lists. */
  listedVulnerabilities: number
  /** explain-score-change: a change of the score is explained by the recommendations. */
  explainScoreChange: boolean
  enforced: boolean
  /** The Microsoft cloud's name (commercial, gcc, gcc-high, dod). */
  cloud: string
  /** The commercial cloud's region, when one was asked for. */
  region: string | undefined
  apiHost: string
  authMethod: AuthMethod
}

/** A tenant whose score could not be read (no consent, a refused credential, a timeout): it is not a pass. */
export interface UnreadTenant {
  tenant: string
  label: string
  /** Why, as one message: what happened and what to do. */
  error: string
  /** The checks asked of the tenant (its limits), none of which could be evaluated. */
  checksAsked: CheckId[]
}

export type TenantOutcome = { kind: 'read'; report: ScoreReport } | ({ kind: 'unread' } & UnreadTenant)

/** The run: every tenant's outcome, in the order tenant-id lists them. */
export interface RunReport {
  context: RunContext
  tenants: TenantOutcome[]
  /** The accepted-risks file, when one is used: where it was read, its entries, and those that matched nothing. */
  acceptedRisks?: { where: string; entries: number; unused: AcceptedRisk[] } | undefined
}

/** A tenant's report: what was read, what it is compared with, and the verdict of every check. */
export function buildReport(
  context: RunContext,
  tenant: Tenant,
  readings: DefenderReadings,
  record: HistoryRecord,
  acceptance?: TenantAcceptance
): ScoreReport {
  const history = record.kind === 'read' ? record.view : undefined
  const { limits } = tenant
  const { listedVulnerabilities, explainScoreChange: explain, ...shared } = context
  const recommendations = readings.recommendations && everyRecommendation(readings.recommendations)
  const vulnerabilities = vulnerabilityReport(
    readings.vulnerabilities,
    record,
    listedVulnerabilities,
    readings.score.time,
    limitFor(limits, 'age')
  )
  return {
    reading: readings.score,
    exposure: readings.exposure,
    recommendations: readings.recommendations,
    deviceGroups: readings.deviceGroups,
    vulnerabilities,
    devices: readings.devices,
    acceptance,
    history,
    scoreChange:
      explain && history?.previousRecommendations
        ? explainScoreChange(
            readings.score.score,
            history.previousRecommendations,
            recommendations ?? 'the recommendations could not be read in this run (see the warnings)'
          )
        : undefined,
    stale: staleSince(readings, recommendations, history?.weekEarlier),
    checks: evaluateChecks(
      {
        score: readings.score,
        exposure: readings.exposure?.score,
        history: record.kind === 'read' ? { kind: 'read', previous: record.view.previous } : record,
        deviceGroups: readings.deviceGroups,
        vulnerabilities: vulnerabilities && vulnerabilityFacts(vulnerabilities),
        devices:
          readings.devices === undefined
            ? undefined
            : readings.devices.kind === 'unavailable'
              ? readings.devices
              : {
                  kind: 'read',
                  onboarded: readings.devices.coverage.onboarded,
                  active: readings.devices.coverage.active,
                  previous: record.kind === 'read' ? { kind: 'read', previous: record.view.previousDevices } : record
                }
      },
      limits
    ),
    ...shared,
    tenant: tenant.id,
    label: tenant.label
  }
}

/** `now`: the reading's time, which ages are counted to; `maxAge`: the tenant's remediation deadline in days, when set. */
function vulnerabilityReport(
  reading: VulnerabilityReading | undefined,
  record: HistoryRecord,
  listed: number,
  now: string,
  maxAge: number | undefined
): VulnerabilityReport | undefined {
  if (reading?.kind !== 'read') {
    return reading
  }
  const { severity, exploitable, underException, accepted } = reading
  const previous: PreviousVulnerabilities =
    record.kind === 'read' ? { kind: 'read', previous: record.view.previousVulnerabilities } : record
  const changes = compareVulnerabilities(severity, exploitable, [...exploitable, ...underException, ...accepted], previous)
  const added = new Set(changes.kind === 'compared' ? changes.added : [])
  const ages = vulnerabilityAges(exploitable, firstSeenTimes(exploitable, severity, previous, now), now)
  const byId = new Map(ages.map(age => [age.id, age]))
  // With a deadline, the overdue first (the oldest first), then as a responder fixes them.
  const overdue = (item: ExploitableVulnerability) => {
    const age = byId.get(item.id)
    return isOverdue(age, maxAge) ? (age?.ageDays ?? 0) : -1
  }
  const ordered = maxAge === undefined ? exploitable : [...exploitable].sort((a, b) => overdue(b) - overdue(a))
  return {
    kind: 'read',
    severity,
    count: exploitable.length,
    listed: ordered.slice(0, listed),
    added: exploitable.filter(item => added.has(recordedId(item.id))),
    changes,
    underException: underException.length,
    accepted: accepted.length,
    ages: byId
  }
}

/** The reading a week or more older that this one repeats (score, exposure score and every recommendation's impact), if it does. */
function staleSince(
  readings: DefenderReadings,
  recommendations: Recommendation[] | undefined,
  earlier: HistoryEntry | undefined
): { since: string } | undefined {
  const same =
    earlier?.impacts !== undefined &&
    recommendations !== undefined &&
    earlier.score === readings.score.score &&
    earlier.exposure === (readings.exposure?.score ?? null) &&
    earlier.impacts === impactsDigest(recommendations)
  return same ? { since: earlier.time } : undefined
}

function vulnerabilityFacts(report: VulnerabilityReport): VulnerabilityFacts {
  return report.kind === 'read'
    ? { kind: 'read', severity: report.severity, count: report.count, changes: report.changes, ages: [...report.ages.values()] }
    : report
}

/** The checks asked of the tenants that could not be read: none of them was evaluated. */
function unreadChecks(run: RunReport): number {
  return run.tenants.reduce((count, outcome) => count + (outcome.kind === 'unread' ? outcome.checksAsked.length : 0), 0)
}

/** Checks of the run that could not be evaluated (each failed closed), unread tenants' included. */
export function unevaluatedChecks(run: RunReport): number {
  return readReports(run).reduce(
    (count, report) => count + report.checks.filter(check => check.unevaluated !== undefined).length,
    unreadChecks(run)
  )
}

/** The reports of the tenants that were read. */
export function readReports(run: RunReport): ScoreReport[] {
  return run.tenants.flatMap(outcome => (outcome.kind === 'read' ? [outcome.report] : []))
}

/** Every tenant read, and every check of each passed. */
export function runPassed(run: RunReport): boolean {
  return run.tenants.every(outcome => outcome.kind === 'read' && passed(outcome.report))
}

/** Labels of the tenants that failed a check or could not be read, in tenant-id's order. */
export function failedTenants(run: RunReport): string[] {
  return run.tenants.filter(outcome => outcome.kind === 'unread' || !passed(outcome.report)).map(labelOf)
}

export function labelOf(outcome: TenantOutcome): string {
  return outcome.kind === 'read' ? outcome.report.label : outcome.label
}

export function scoreDelta(report: ScoreReport): number | undefined {
  const previous = report.history?.previous
  return previous ? report.reading.score - previous.score : undefined
}

export function passed(report: ScoreReport): boolean {
  return checksPassed(report.checks)
}

export interface BadgeSpec {
  label: string
  message: string
  color: 'green' | 'red' | 'lightgrey'
}

/** Green when every check passed, red when one failed, grey when there was nothing to check (lightgrey: shields' grey is the label's colour). */
export function badgeSpec(report: ScoreReport): BadgeSpec {
  const color = report.checks.length === 0 ? 'lightgrey' : passed(report) ? 'green' : 'red'
  return { label: 'device secure score', message: shownScore(report), color }
}

/**
 * The run's badge: the tenant's own with one tenant; with several, how many pass (`3/4 pass`), green
 * when all do.
 */
export function runBadgeSpec(run: RunReport): BadgeSpec {
  const [only] = run.tenants
  if (run.tenants.length === 1 && only?.kind === 'read') {
    return badgeSpec(only.report)
  }
  const passing = run.tenants.filter(outcome => outcome.kind === 'read' && passed(outcome.report)).length
  return {
    label: 'device secure score',
    message: `${passing}/${run.tenants.length} pass`,
    color: passing === run.tenants.length ? 'green' : 'red'
  }
}

/** A tenant's badge: its own score, or red and `not read` when it could not be read. */
export function tenantBadgeSpec(outcome: TenantOutcome): BadgeSpec {
  return outcome.kind === 'read' ? badgeSpec(outcome.report) : { label: 'device secure score', message: 'not read', color: 'red' }
}

/**
 * The score as people see it: to two decimals, or with as many more as it takes not to look like
 * min-score when it is below it (339.996 is never shown as 340 next to a failed min-score 340).
 */
export function shownScore(report: ScoreReport): string {
  const minScore = limitOf(report.checks, 'score')
  return minScore === undefined ? formatPoints(report.reading.score) : formatCompared(report.reading.score, minScore)[0]
}

/** Finds this action's comment among a pull request's comments; one per tenant, or per set of tenants. */
export function commentMarker(run: RunReport): string {
  const keys = run.tenants.map(outcome => tenantKey(outcome.kind === 'read' ? outcome.report.tenant : outcome.tenant))
  if (keys.length === 1) {
    return `<!-- defender-secure-score-action tenant=${keys[0]} -->`
  }
  const digest = createHash('sha256')
    .update([...keys].sort().join('\n'))
    .digest('hex')
    .slice(0, 16)
  return `<!-- defender-secure-score-action tenants=${keys.length}:${digest} -->`
}

/** Finds this action's tracking issue among the repository's issues; one per tenant. */
export function issueMarker(tenant: string): string {
  return `<!-- defender-secure-score-action issue tenant=${tenantKey(tenant)} -->`
}

/** The tenant as markers name it: tenant IDs and domains are case-insensitive. */
function tenantKey(tenant: string): string {
  return tenant.toLowerCase() || 'unspecified'
}
