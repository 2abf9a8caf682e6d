import { setTimeout as sleep } from 'node:timers/promises'
import { info, warning } from '../log.js'
import { failureMessage, ServiceError } from '../errors.js'
import { isRecord, parseJson } from '../json.js'
import { describeBody } from '../net/body.js'
import type { Http, HttpResponse } from '../net/http.js'
import {
  DEVICE_GROUPS_PATH,
  EXPOSURE_PATH,
  parseDeviceGroups,
  parseRecommendations,
  parseScoreResponse,
  RECOMMENDATIONS_PATH,
  RECOMMENDATIONS_PERMISSION,
  SCORE_PATH,
  SCORE_PERMISSION,
  type DefenderReadings,
  type DeviceGroupSelection
} from './answers.js'
import type { ExploitableVulnerability, Severity } from '../vulnerabilities/answers.js'
import { readVulnerabilities, type VulnerabilityReading } from '../vulnerabilities/read.js'

/** What to read from the Defender API, and which extras a check depends on (their failure then fails the tenant). */
export interface DefenderRequest {
  /** Defender API base URL, without a trailing slash. */
  apiUrl: string
  /** Whether to read the exposure score. */
  exposure: boolean
  /** Device groups whose exposure score to read, if any. */
  deviceGroups: DeviceGroupSelection | undefined
  /** How many top recommendations to read; 0 skips the request. */
  recommendations: number
  /** A check needs the exposure score (max-exposure-score). */
  exposureChecked: boolean
  /** A check needs the device groups (max-device-group-exposure-score). */
  deviceGroupsChecked: boolean
  /** The lowest severity of the exploitable vulnerabilities to read, if they are read. */
  vulnerabilities: Severity | undefined
  /**
   * A check needs the vulnerabilities (max-exploitable-vulnerabilities, max-new-exploitable-vulnerabilities):
   * their failure is then that check's, not the tenant's.
   */
  vulnerabilitiesChecked: boolean
}

/**
 * How long an extra no gate depends on may keep the run waiting once every answer a gate needs is
 * in: it is then skipped with a warning, so a hung endpoint never holds a run whose verdict is known.
 */
export const EXTRA_GRACE_MS = 5000

/**
 * Sends every request at once, so the extras never lengthen the critical path. The score must be
 * read; an extra that fails only warns, unless a check (max-exposure-score,
 * max-device-group-exposure-score) depends on it, and an extra no check needs gets
 * {@link EXTRA_GRACE_MS} after the answers the checks need.
 */
export async function readDefender(http: Http, request: DefenderRequest, token: string): Promise<DefenderReadings> {
  const { apiUrl, deviceGroups } = request
  info(`Reading the device secure score from ${new URL(apiUrl).host}.`)
  const get = <T>(path: string, permission: string, parse: (response: HttpResponse) => T) =>
    settle(getJson(http, apiUrl, token, path, permission).then(parse))
  const score = get(SCORE_PATH, SCORE_PERMISSION, response => parseScoreResponse(response, SCORE_PATH))
  const exposure = request.exposure
    ? get(EXPOSURE_PATH, SCORE_PERMISSION, response => parseScoreResponse(response, EXPOSURE_PATH))
    : undefined
  const groups = deviceGroups ? get(DEVICE_GROUPS_PATH, SCORE_PERMISSION, response => parseDeviceGroups(response, deviceGroups)) : undefined
  const recommendations =
    request.recommendations > 0
      ? get(RECOMMENDATIONS_PATH, RECOMMENDATIONS_PERMISSION, response => parseRecommendations(response, request.recommendations))
      : undefined
  const severity = request.vulnerabilities
  const vulnerabilities = severity && settle(readVulnerabilities(http, apiUrl, token, severity))

  const needed = [score, request.exposureChecked ? exposure : undefined, request.deviceGroupsChecked ? groups : undefined]
  // A check on the vulnerabilities waits for them; their failure is that check's (it cannot be evaluated), not the tenant's.
  const checkedVulnerabilities = request.vulnerabilitiesChecked ? vulnerabilities : undefined
  for (const result of await Promise.all(needed)) {
    if (result?.status === 'rejected') {
      throw result.reason
    }
  }
  const scoreResult = await score
  if (scoreResult.status === 'rejected') {
    throw scoreResult.reason
  }
  const grace = new AbortController()
  const late = sleep(EXTRA_GRACE_MS, LATE, { signal: grace.signal }).catch(() => LATE)
  const withinGrace = <T>(extra: Promise<PromiseSettledResult<T>> | undefined) => extra && Promise.race([extra, late])
  const [exposureResult, groupsResult, recommendationsResult, vulnerabilitiesResult] = await Promise.all([
    withinGrace(exposure),
    withinGrace(groups),
    withinGrace(recommendations),
    checkedVulnerabilities ?? withinGrace(vulnerabilities)
  ]).finally(() => grace.abort())
  const groupReadings = settledOrWarn(groupsResult, 'Device groups skipped')
  // With a limit set, a missing group is a check that could not be evaluated (it fails); without one, a warning.
  if (groupReadings && groupReadings.missing.length > 0 && !request.deviceGroupsChecked) {
    warning(
      `device-groups names ${groupReadings.missing.map(name => `'${name}'`).join(', ')}, which the API does not list; ` +
        `it lists ${groupReadings.listed.map(name => `'${name}'`).join(', ') || 'no group'}. Check the names (Microsoft Defender portal > Settings > Endpoints > Device groups).`
    )
  }
  return {
    score: scoreResult.value,
    exposure: settledOrWarn(exposureResult, 'Exposure score skipped'),
    recommendations: settledOrWarn(recommendationsResult, 'Top recommendations skipped'),
    deviceGroups: groupReadings,
    vulnerabilities: severity && vulnerabilityReading(severity, vulnerabilitiesResult, request.vulnerabilitiesChecked)
  }
}

/** Read, or why not: as a check's reason when one needs them, otherwise as a warning. */
function vulnerabilityReading(
  severity: Severity,
  result: PromiseSettledResult<ExploitableVulnerability[]> | undefined,
  checked: boolean
): VulnerabilityReading | undefined {
  if (result === undefined) {
    return undefined
  }
  if (result.status === 'fulfilled') {
    return { kind: 'read', severity, exploitable: result.value }
  }
  if (!checked) {
    warning(`Exploitable vulnerabilities skipped: ${failureMessage(result.reason)}`)
    return undefined
  }
  return { kind: 'unavailable', severity, reason: failureMessage(result.reason).replace(/\s*\n\s*/g, ' ') }
}

/** The outcome of a request, handled from the moment it is sent (an extra may fail while the score is awaited). */
function settle<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  return promise.then(
    value => ({ status: 'fulfilled', value }),
    (reason: unknown) => ({ status: 'rejected', reason })
  )
}

/** An extra still unanswered when the grace period ran out. */
const LATE: PromiseRejectedResult = {
  status: 'rejected',
  reason: new ServiceError(`no answer within ${EXTRA_GRACE_MS / 1000} s after the score; the verdict did not wait for it`)
}

function settledOrWarn<T>(result: PromiseSettledResult<T | undefined> | undefined, what: string): T | undefined {
  if (result === undefined) {
    return undefined
  }
  if (result.status === 'fulfilled') {
    return result.value
  }
  warning(`${what}: ${failureMessage(result.reason)}`)
  return undefined
}

async function getJson(http: Http, apiUrl: string, token: string, path: string, permission: string): Promise<HttpResponse> {
  const response = await http.send({
    service: 'the Defender API',
    method: 'GET',
    url: `${apiUrl}${path}`,
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' }
  })
  if (response.status !== 200) {
    throw new ServiceError(describeApiFailure(path, response, permission))
  }
  return response
}

/** The message for a non-200 answer: Microsoft's code, message and request id, and what to do. */
export function describeApiFailure(path: string, response: HttpResponse, permission: string): string {
  const json = parseJson(response.body)
  const error = isRecord(json) && isRecord(json['error']) ? json['error'] : undefined
  const field = (name: string): string | undefined => (typeof error?.[name] === 'string' ? error[name] : undefined)
  const code = field('code')
  const details = error
    ? `${code ?? 'no code'}: ${field('message') ?? '(no message)'}${field('target') ? ` (request id ${field('target')})` : ''}`
    : describeBody(response.body, response.headers)
  return `The Defender API refused GET ${path} (HTTP ${response.status}, ${details}).\nFix: ${apiHint(response.status, code, permission)}`
}

function apiHint(status: number, code: string | undefined, permission: string): string {
  if (status === 401) {
    return (
      'the authorization header was not accepted: the token is invalid, expired, or for another API. It must be for the ' +
      "Defender API's scope (https://api.securitycenter.microsoft.com/.default in the commercial cloud)."
    )
  }
  if (status === 403 && code === 'DisabledFeature') {
    return 'a feature this endpoint needs is not enabled in the tenant: turn it on in the Microsoft Defender portal settings.'
  }
  if (status === 403) {
    return (
      `the app needs the application permission ${permission} on WindowsDefenderATP, and admin consent for it: ` +
      `Entra admin center > App registrations > the app > API permissions > Add a permission > APIs my organization ` +
      `uses > WindowsDefenderATP > Application permissions > ${permission}, then Grant admin consent. ` +
      'A newly granted permission can take a few minutes to reach new tokens.'
    )
  }
  if (status === 404) {
    return 'check api-url: this endpoint was not found there.'
  }
  if (status === 429) {
    return (
      'the API is throttling this app. Microsoft states no limit for these endpoints (other Defender endpoints allow ' +
      '100 calls a minute and 1500 an hour): spread scheduled runs over the hour, or raise max-retries.'
    )
  }
  if (status >= 500) {
    return 'the Defender API is having trouble; try again later (raise max-retries to wait longer).'
  }
  return 'the request was rejected; if it persists, report it with the request id.'
}
