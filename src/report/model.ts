/**
 * The one model of a run, from which every rendering is made: outputs (./outputs.ts), job summary
 * and pull-request comment (./markdown.ts), badge (./badge.ts). They share it, so they cannot tell
 * different stories.
 */
import type { AuthMethod, Settings } from '../config/settings.js'
import type { DefenderReadings, DeviceGroupReadings, Recommendations, ScoreReading } from '../defender/answers.js'
import type { Cloud, Region } from '../defender/clouds.js'
import { checksPassed, evaluateChecks, type Check } from '../gate/checks.js'
import { formatCompared, formatPoints } from '../format.js'
import type { HistoryRecord, HistoryView } from '../history/history.js'

export interface ScoreReport {
  reading: ScoreReading
  exposure: ScoreReading | undefined
  /** Top recommendations by score impact; undefined when not asked for or not available. */
  recommendations: Recommendations | undefined
  /** Exposure scores of the device groups selected; undefined when not asked for or not available. */
  deviceGroups: DeviceGroupReadings | undefined
  /** Earlier readings of the same tenant; undefined without history-file. */
  history: HistoryView | undefined
  checks: Check[]
  /** false when fail-on-low-score is off: failed checks only warn. */
  enforced: boolean
  /** The tenant-id input; empty when an access token was given without one. */
  tenant: string
  cloud: Cloud
  region: Region | undefined
  /** Host of the Defender API that answered. */
  apiHost: string
  authMethod: AuthMethod
}

/** The report of a run: what was read, what it is compared with, and the verdict of every check. */
export function buildReport(settings: Settings, readings: DefenderReadings, record: HistoryRecord): ScoreReport {
  const history = record.kind === 'read' ? record.view : undefined
  return {
    reading: readings.score,
    exposure: readings.exposure,
    recommendations: readings.recommendations,
    deviceGroups: readings.deviceGroups,
    history,
    checks: evaluateChecks({
      score: readings.score.score,
      time: readings.score.time,
      minScore: settings.minScore,
      exposure: readings.exposure?.score,
      maxExposureScore: settings.maxExposureScore,
      history: record.kind === 'read' ? { kind: 'read', previous: record.view.previous } : record,
      maxDrop: settings.maxDrop,
      deviceGroups: readings.deviceGroups,
      maxDeviceGroupExposureScore: settings.maxDeviceGroupExposureScore
    }),
    enforced: settings.failOnLowScore,
    tenant: settings.tenantId,
    cloud: settings.cloud,
    region: settings.region,
    apiHost: apiHostOf(settings),
    authMethod: settings.credential.method
  }
}

export function apiHostOf(settings: Settings): string {
  return new URL(settings.apiUrl).host
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
 * The score as people see it: to two decimals, or with as many more as it takes not to look like
 * min-score when it is below it (339.996 is never shown as 340 next to a failed min-score 340).
 */
export function shownScore(report: ScoreReport): string {
  const minScore = report.checks.find(check => check.input === 'min-score')?.limit
  return minScore === undefined ? formatPoints(report.reading.score) : formatCompared(report.reading.score, minScore)[0]
}

/** Finds this action's comment among a pull request's comments; one per tenant. */
export function commentMarker(report: ScoreReport): string {
  return `<!-- defender-secure-score-action tenant=${tenantKey(report)} -->`
}

/** Finds this action's tracking issue among the repository's issues; one per tenant. */
export function issueMarker(report: ScoreReport): string {
  return `<!-- defender-secure-score-action issue tenant=${tenantKey(report)} -->`
}

/** The tenant as markers name it: tenant IDs and domains are case-insensitive. */
function tenantKey(report: ScoreReport): string {
  return report.tenant.toLowerCase() || 'unspecified'
}
