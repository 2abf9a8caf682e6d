/**
 * What the Defender API answers, read as hostile data, for every source: the score's `{ time, score }`
 * shape (the exposure score has it too) and OData collections. Only the documented shapes are
 * accepted; anything else is an error that says what came back (without echoing it). Pure.
 * Shapes: https://learn.microsoft.com/defender-endpoint/api/get-device-secure-score,
 * .../api/get-exposure-score
 */
import { ServiceError } from '../errors.js'
import { isIsoDateTime, isRecord, parseJson } from '../json.js'
import { describeBody } from '../net/body.js'
import type { HttpResponse } from '../net/http.js'

/** The application permission (WindowsDefenderATP) of the score, the exposure score and the device groups. */
export const SCORE_PERMISSION = 'Score.Read.All'

/** One reading of the device secure score, as the API reported it. */
export interface ScoreReading {
  /** Points; Microsoft documents no maximum. */
  score: number
  /** ISO 8601 time the API reported; documented as the time of the call. */
  time: string
}

/** A gate must not pass or fail on data it cannot trust, so an odd answer stops the run with this. */
export const UNEXPECTED_ANSWER_HINT =
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
export function collection(response: HttpResponse, path: string): Array<Record<string, unknown>> {
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

export const text = (value: unknown): string => (typeof value === 'string' ? value : '')
export const finite = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined)
