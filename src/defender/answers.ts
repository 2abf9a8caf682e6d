/**
 * What the Defender API answers, read as hostile data: only the documented shapes are accepted, and
 * anything else is an error that says what came back (without echoing it). Pure.
 * Shapes: https://learn.microsoft.com/defender-endpoint/api/get-device-secure-score,
 * .../api/get-exposure-score, .../api/get-machine-group-exposure-score, .../api/get-all-recommendations
 */
import { ServiceError } from '../errors.js'
import { isIsoDateTime, isRecord, parseJson } from '../json.js'
import { describeBody } from '../net/body.js'
import type { HttpResponse } from '../net/http.js'
import type { VulnerabilityReading } from '../vulnerabilities/read.js'

export const SCORE_PATH = '/api/configurationScore'
export const EXPOSURE_PATH = '/api/exposureScore'
export const DEVICE_GROUPS_PATH = '/api/exposureScore/ByMachineGroups'
export const RECOMMENDATIONS_PATH = '/api/recommendations'

/** The application permissions (WindowsDefenderATP) the endpoints need; the README's permissions table is generated from them. */
export const SCORE_PERMISSION = 'Score.Read.All'
export const RECOMMENDATIONS_PERMISSION = 'SecurityRecommendation.Read.All'

/** One reading of the device secure score, as the API reported it. */
export interface ScoreReading {
  /** Points; Microsoft documents no maximum. */
  score: number
  /** ISO 8601 time the API reported; documented as the time of the call. */
  time: string
}

/** A security recommendation, as the summary lists the ones that would raise the score most. */
export interface Recommendation {
  name: string
  category: string
  product: string
  /** Points the device secure score would gain. */
  configScoreImpact: number
  exposedMachines: number | undefined
  totalMachines: number | undefined
}

/** What one run read from the API; the extras are undefined when not asked for or not available. */
export interface DefenderReadings {
  score: ScoreReading
  exposure: ScoreReading | undefined
  /** The top recommendations by score impact, as many as asked for. */
  recommendations: Recommendations | undefined
  /** The exposure score of each device group selected by device-groups. */
  deviceGroups: DeviceGroupReadings | undefined
  /** The exploitable vulnerabilities; `unavailable` only when a check needs them. */
  vulnerabilities: VulnerabilityReading | undefined
}

export interface Recommendations {
  /** Active recommendations that would raise the score most, highest first. */
  top: Recommendation[]
  /** Recommendations left out because the security team granted an exception (status Exception). */
  excepted: number
}

/** Which device groups to read: every one (`*`), or those named. */
export type DeviceGroupSelection = { all: true } | { all: false; names: string[] }

/** One device group's exposure score (lower is better). */
export interface DeviceGroupExposure {
  name: string
  score: number
}

export interface DeviceGroupReadings {
  groups: DeviceGroupExposure[]
  /** Names asked for in device-groups that the API does not list. */
  missing: string[]
  /** Every group the API lists, to name them when one asked for is missing. */
  listed: string[]
}

/** A gate must not pass or fail on data it cannot trust, so an odd answer stops the run with this. */
const UNEXPECTED_ANSWER_HINT =
  'No gate was evaluated on it. Check that api-url is the Defender for Endpoint API; if it is, re-run the job, and ' +
  'report the answer if it persists.'

/** Accepts only the documented `{ time, score }` object; anything else is an error that says what came back. */
export function parseScoreResponse(response: HttpResponse, path: string): ScoreReading {
  const what = `The Defender API answered GET ${path} with HTTP ${response.status}`
  const json = parseJson(response.body)
  if (!isRecord(json)) {
    throw new ServiceError(
      `${what} but not with the documented JSON object { "time": ..., "score": ... } ` +
        `(${describeBody(response.body, response.headers)}). ${UNEXPECTED_ANSWER_HINT}`
    )
  }
  const { score, time } = json
  if (typeof score !== 'number' || !Number.isFinite(score) || score < 0) {
    throw new ServiceError(
      `${what} but its score is ${JSON.stringify(score) ?? 'missing'}, not a non-negative number of points. ${UNEXPECTED_ANSWER_HINT}`
    )
  }
  if (!isIsoDateTime(time)) {
    throw new ServiceError(
      `${what} but its time is ${JSON.stringify(time) ?? 'missing'}, not an ISO 8601 date and time such as 2026-11-24T08:00:00Z. ${UNEXPECTED_ANSWER_HINT}`
    )
  }
  return { score, time }
}

/** The items of an OData collection `{ "value": [...] }`, or an error naming what came back. */
function collection(response: HttpResponse, path: string): Array<Record<string, unknown>> {
  const json = parseJson(response.body)
  const items = isRecord(json) ? json['value'] : undefined
  if (!Array.isArray(items)) {
    throw new ServiceError(
      `The Defender API answered GET ${path} with HTTP ${response.status} but not with the documented ` +
        `{ "value": [...] } collection (${describeBody(response.body, response.headers)}).`
    )
  }
  return items.filter(isRecord)
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '')
const finite = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined)

/** Reads the recommendations; items without a name are left out, and so are those excepted (status Exception). */
export function parseRecommendations(response: HttpResponse, count: number): Recommendations {
  const items = collection(response, RECOMMENDATIONS_PATH)
  const excepted = items.filter(item => item['status'] === 'Exception').length
  const active = items
    .filter(item => item['status'] !== 'Exception')
    .flatMap(item => {
      const name = text(item['recommendationName'])
      return name
        ? [
            {
              name,
              category: text(item['recommendationCategory']),
              product: text(item['productName']),
              configScoreImpact: finite(item['configScoreImpact']) ?? 0,
              exposedMachines: finite(item['exposedMachinesCount']),
              totalMachines: finite(item['totalMachineCount'])
            }
          ]
        : []
    })
  return { top: topRecommendations(active, count), excepted }
}

/** The `count` recommendations that would raise the score most; ties keep the API's order. */
export function topRecommendations(items: Recommendation[], count: number): Recommendation[] {
  return [...items].sort((a, b) => b.configScoreImpact - a.configScoreImpact).slice(0, count)
}

/**
 * Reads the exposure score by device group, keeping the groups `selection` names (all for `*`).
 * A group must have a name and a finite, non-negative score, or the answer is refused: a check may
 * depend on it.
 */
export function parseDeviceGroups(response: HttpResponse, selection: DeviceGroupSelection): DeviceGroupReadings {
  const groups = collection(response, DEVICE_GROUPS_PATH).map(item => {
    const name = item['rbacGroupName']
    const score = item['score']
    if (typeof name !== 'string' || name.length === 0 || typeof score !== 'number' || !Number.isFinite(score) || score < 0) {
      throw new ServiceError(
        `The Defender API answered GET ${DEVICE_GROUPS_PATH} with a group that has no name or no non-negative score ` +
          `(rbacGroupName ${JSON.stringify(name) ?? 'missing'}, score ${JSON.stringify(score) ?? 'missing'}). ${UNEXPECTED_ANSWER_HINT}`
      )
    }
    return { name, score }
  })
  const listed = groups.map(group => group.name)
  if (selection.all) {
    return { groups, missing: [], listed }
  }
  const wanted = new Set(selection.names.map(groupNameKey))
  const found = new Set(listed.map(groupNameKey))
  return {
    groups: groups.filter(group => wanted.has(groupNameKey(group.name))),
    missing: selection.names.filter((name, index) => {
      const key = groupNameKey(name)
      return !found.has(key) && selection.names.findIndex(other => groupNameKey(other) === key) === index
    }),
    listed
  }
}

/**
 * A device group's name as names are compared: Unicode NFC (a name typed on a Mac or pasted from a
 * web page may come decomposed) and case-folded (upper then lower case folds ß to ss and final
 * sigma to sigma, as full case folding does), so a selected name never misses its group.
 */
export function groupNameKey(name: string): string {
  return name.normalize('NFC').toUpperCase().toLowerCase().normalize('NFC')
}
