import { setTimeout as sleep } from 'node:timers/promises'
import { info, warning } from '../log.js'
import type { Settings } from '../config/settings.js'
import { failureMessage, ServiceError } from '../errors.js'
import { isIsoDateTime, isRecord, parseJson } from '../json.js'
import { describeBody } from '../net/body.js'
import type { Http, HttpResponse } from '../net/http.js'

export const SCORE_PATH = '/api/configurationScore'
export const EXPOSURE_PATH = '/api/exposureScore'
export const RECOMMENDATIONS_PATH = '/api/recommendations'

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
  recommendations: Recommendation[] | undefined
}

/**
 * How long an extra no gate depends on may keep the run waiting once every answer a gate needs is
 * in: it is then skipped with a warning, so a hung endpoint never holds a run whose verdict is known.
 */
export const EXTRA_GRACE_MS = 5000

/**
 * Sends every request at once, so the extras never lengthen the critical path. The score must be
 * read; an extra that fails only warns, unless a gate (max-exposure-score) depends on it.
 */
export async function readDefender(http: Http, settings: Settings, token: string): Promise<DefenderReadings> {
  const { apiUrl } = settings
  info(`Reading the device secure score from ${new URL(apiUrl).host}.`)
  const score = settle(getJson(http, apiUrl, token, SCORE_PATH, 'Score.Read.All').then(response => parseScoreResponse(response, SCORE_PATH)))
  const exposure = settings.includeExposureScore
    ? settle(getJson(http, apiUrl, token, EXPOSURE_PATH, 'Score.Read.All').then(response => parseScoreResponse(response, EXPOSURE_PATH)))
    : undefined
  const recommendations =
    settings.recommendations > 0
      ? settle(
          getJson(http, apiUrl, token, RECOMMENDATIONS_PATH, 'SecurityRecommendation.Read.All').then(response =>
            topRecommendations(parseRecommendations(response), settings.recommendations)
          )
        )
      : undefined
  const scoreResult = await score
  if (scoreResult.status === 'rejected') {
    throw scoreResult.reason
  }
  const exposureGated = settings.maxExposureScore !== undefined
  const gatedExposure = exposureGated ? await exposure : undefined
  if (gatedExposure?.status === 'rejected') {
    throw gatedExposure.reason
  }
  const grace = new AbortController()
  const late = sleep(EXTRA_GRACE_MS, LATE, { signal: grace.signal }).catch(() => LATE)
  const withinGrace = <T>(extra: Promise<PromiseSettledResult<T>> | undefined) => extra && Promise.race([extra, late])
  const [exposureResult, recommendationsResult] = await Promise.all([withinGrace(exposure), withinGrace(recommendations)]).finally(() =>
    grace.abort()
  )
  return {
    score: scoreResult.value,
    exposure: settledOrWarn(exposureResult, 'Exposure score skipped'),
    recommendations: settledOrWarn(recommendationsResult, 'Top recommendations skipped')
  }
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

/** Reads the OData collection `{ "value": [...] }`; items without a name are left out. */
export function parseRecommendations(response: HttpResponse): Recommendation[] {
  const json = parseJson(response.body)
  const items = isRecord(json) ? json['value'] : undefined
  if (!Array.isArray(items)) {
    throw new ServiceError(
      `The Defender API answered GET ${RECOMMENDATIONS_PATH} with HTTP ${response.status} but not with the documented ` +
        `{ "value": [...] } collection (${describeBody(response.body, response.headers)}).`
    )
  }
  const text = (value: unknown): string => (typeof value === 'string' ? value : '')
  const count = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined)
  return items.filter(isRecord).flatMap(item => {
    const name = text(item['recommendationName'])
    return name
      ? [
          {
            name,
            category: text(item['recommendationCategory']),
            product: text(item['productName']),
            configScoreImpact: count(item['configScoreImpact']) ?? 0,
            exposedMachines: count(item['exposedMachinesCount']),
            totalMachines: count(item['totalMachineCount'])
          }
        ]
      : []
  })
}

/** The `count` recommendations that would raise the score most; ties keep the API's order. */
export function topRecommendations(items: Recommendation[], count: number): Recommendation[] {
  return [...items].sort((a, b) => b.configScoreImpact - a.configScoreImpact).slice(0, count)
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
      'the access token was not accepted: it is missing, expired, or for another API. The token must be for the ' +
      "Defender API's scope (https://api.securitycenter.microsoft.com/.default in the commercial cloud). If the message " +
      "says 'No Tvm license', the tenant lacks a Defender Vulnerability Management licence."
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
    return 'the API is throttling this app (100 calls a minute, 1500 an hour): run less often or raise max-retries.'
  }
  if (status >= 500) {
    return 'the Defender API is having trouble; try again later (raise max-retries to wait longer).'
  }
  return 'the request was rejected; if it persists, report it with the request id.'
}
