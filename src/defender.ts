import * as core from '@actions/core'
import { describeBody, parseJson } from './body.js'
import { ServiceError } from './errors.js'
import type { Http, HttpResponse } from './http.js'
import { isRecord } from './jwt.js'

export const SCORE_PATH = '/api/configurationScore'

/** One reading of the device secure score, as the API reported it. */
export interface ScoreReading {
  /** Points; Microsoft documents no maximum. */
  score: number
  /** ISO 8601 time the API reported; documented as the time of the call. */
  time: string
}

export async function fetchConfigurationScore(http: Http, apiUrl: string, token: string): Promise<ScoreReading> {
  core.info(`Reading the device secure score from ${new URL(apiUrl).host}.`)
  const response = await http.send({
    service: 'the Defender API',
    method: 'GET',
    url: `${apiUrl}${SCORE_PATH}`,
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' }
  })
  if (response.status !== 200) {
    throw new ServiceError(describeApiFailure(SCORE_PATH, response, 'Score.Read.All'))
  }
  return parseScoreResponse(response)
}

/** Accepts only the documented `{ time, score }` object; anything else is an error that says what came back. */
export function parseScoreResponse(response: HttpResponse): ScoreReading {
  const what = `The Defender API answered GET ${SCORE_PATH} with HTTP ${response.status}`
  const json = parseJson(response.body)
  if (!isRecord(json)) {
    throw new ServiceError(
      `${what} but not with the documented JSON object { "time": ..., "score": ... } ` +
        `(${describeBody(response.body, response.headers)}). Check api-url.`
    )
  }
  const { score, time } = json
  if (typeof score !== 'number' || !Number.isFinite(score) || score < 0) {
    throw new ServiceError(`${what} but its score is ${JSON.stringify(score) ?? 'missing'}, not a non-negative number of points.`)
  }
  if (typeof time !== 'string' || Number.isNaN(Date.parse(time))) {
    throw new ServiceError(`${what} but its time is ${JSON.stringify(time) ?? 'missing'}, not an ISO 8601 date and time.`)
  }
  return { score, time }
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
