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
  type DeviceGroupReadings,
  type DeviceGroupSelection,
  type Recommendations,
  type ScoreReading
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
 * A source of a tenant's reading besides the score: how it is read, and whose failure its failure
 * is. A new source is a new entry of the table in {@link readDefender}.
 */
interface Source<T> {
  /** Sent together with the score; undefined when not asked for. */
  read: (() => Promise<T>) | undefined
  /**
   * Whose its failure is: the tenant's (a check depends on it and the tenant's reading fails with it),
   * a check's (that check could not be evaluated, and fails), or nobody's (a warning; such a source
   * also gets no more than {@link EXTRA_GRACE_MS} once every answer waited for is in).
   */
  failure: 'tenant' | 'check' | 'warning'
  /** How the warning names it when it is skipped. */
  skipped: string
}

/** What each source besides the score gives. */
interface Extras {
  exposure: ScoreReading
  deviceGroups: DeviceGroupReadings
  recommendations: Recommendations
  vulnerabilities: ExploitableVulnerability[]
}

type Sources = { [K in keyof Extras]: Source<Extras[K]> }

/** A source's outcome: read; failed, when the failure is a check's; undefined when not asked for or skipped with a warning. */
type Outcome<T> = { kind: 'read'; value: T } | { kind: 'failed'; reason: string } | undefined
type Outcomes = { [K in keyof Extras]: Outcome<Extras[K]> }

/**
 * Sends every request at once, so the extras never lengthen the critical path. The score must be
 * read; each other source fails as its entry says (see {@link Source}).
 */
export async function readDefender(http: Http, request: DefenderRequest, token: string): Promise<DefenderReadings> {
  const { apiUrl, deviceGroups, vulnerabilities: severity } = request
  info(`Reading the device secure score from ${new URL(apiUrl).host}.`)
  const get =
    <T>(path: string, permission: string, parse: (response: HttpResponse) => T) =>
    (): Promise<T> =>
      getJson(http, apiUrl, token, path, permission).then(parse)
  const sources: Sources = {
    exposure: {
      read: request.exposure ? get(EXPOSURE_PATH, SCORE_PERMISSION, response => parseScoreResponse(response, EXPOSURE_PATH)) : undefined,
      failure: request.exposureChecked ? 'tenant' : 'warning',
      skipped: 'Exposure score skipped'
    },
    deviceGroups: {
      read: deviceGroups ? get(DEVICE_GROUPS_PATH, SCORE_PERMISSION, response => parseDeviceGroups(response, deviceGroups)) : undefined,
      failure: request.deviceGroupsChecked ? 'tenant' : 'warning',
      skipped: 'Device groups skipped'
    },
    recommendations: {
      read:
        request.recommendations > 0
          ? get(RECOMMENDATIONS_PATH, RECOMMENDATIONS_PERMISSION, response => parseRecommendations(response, request.recommendations))
          : undefined,
      failure: 'warning',
      skipped: 'Top recommendations skipped'
    },
    vulnerabilities: {
      read: severity ? () => readVulnerabilities(http, apiUrl, token, severity) : undefined,
      failure: request.vulnerabilitiesChecked ? 'check' : 'warning',
      skipped: 'Exploitable vulnerabilities skipped'
    }
  }
  const score = settle(get(SCORE_PATH, SCORE_PERMISSION, response => parseScoreResponse(response, SCORE_PATH))())
  const outcomes = await readSources(sources, score)
  const scoreResult = await score
  if (scoreResult.status === 'rejected') {
    throw scoreResult.reason
  }
  const groups = readValue(outcomes.deviceGroups)
  // With a limit set, a missing group is a check that could not be evaluated (it fails); without one, a warning.
  if (groups && groups.missing.length > 0 && !request.deviceGroupsChecked) {
    warning(
      `device-groups names ${groups.missing.map(name => `'${name}'`).join(', ')}, which the API does not list; ` +
        `it lists ${groups.listed.map(name => `'${name}'`).join(', ') || 'no group'}. Check the names (Microsoft Defender portal > Settings > Endpoints > Device groups).`
    )
  }
  return {
    score: scoreResult.value,
    exposure: readValue(outcomes.exposure),
    recommendations: readValue(outcomes.recommendations),
    deviceGroups: groups,
    vulnerabilities: severity && vulnerabilityReading(severity, outcomes.vulnerabilities)
  }
}

/**
 * Starts every source asked for, waits for the score and the sources whose failure is the tenant's
 * (throwing the first failure), then for those whose failure is a check's, and gives the others the
 * grace.
 */
async function readSources(sources: Sources, score: Promise<PromiseSettledResult<unknown>>): Promise<Outcomes> {
  const names = Object.keys(sources) as Array<keyof Extras>
  const started = new Map(names.map(name => [name, sources[name].read && settle<unknown>(sources[name].read())]))
  const needed = [score, ...names.filter(name => sources[name].failure === 'tenant').map(name => started.get(name))]
  for (const result of await Promise.all(needed)) {
    if (result?.status === 'rejected') {
      throw result.reason
    }
  }
  const grace = new AbortController()
  const late = sleep(EXTRA_GRACE_MS, LATE, { signal: grace.signal }).catch(() => LATE)
  const results = await Promise.all(
    names.map(name => {
      const result = started.get(name)
      return result && (sources[name].failure === 'warning' ? Promise.race([result, late]) : result)
    })
  ).finally(() => grace.abort())
  const outcomes = names.map((name, index): Outcome<unknown> => {
    const result = results[index]
    if (result === undefined) return undefined
    if (result.status === 'fulfilled') return { kind: 'read', value: result.value }
    if (sources[name].failure === 'check') return { kind: 'failed', reason: failureMessage(result.reason).replace(/\s*\n\s*/g, ' ') }
    warning(`${sources[name].skipped}: ${failureMessage(result.reason)}`)
    return undefined
  })
  // Each outcome is of its own source's type: the table pairs them.
  return Object.fromEntries(names.map((name, index) => [name, outcomes[index]])) as Outcomes
}

function readValue<T>(outcome: Outcome<T>): T | undefined {
  return outcome?.kind === 'read' ? outcome.value : undefined
}

/** The vulnerabilities read, or why not when a check needs them. */
function vulnerabilityReading(severity: Severity, outcome: Outcome<ExploitableVulnerability[]>): VulnerabilityReading | undefined {
  if (outcome === undefined) {
    return undefined
  }
  return outcome.kind === 'read'
    ? { kind: 'read', severity, exploitable: outcome.value }
    : { kind: 'unavailable', severity, reason: outcome.reason }
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
