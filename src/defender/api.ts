/**
 * The door to the Defender for Endpoint API, below every source: a GET with the tenant's token, and
 * what a refusal means (Microsoft's code, message and request id, and what to do). It knows no source.
 * Errors: https://learn.microsoft.com/defender-endpoint/api/common-errors
 */
import { ServiceError } from '../errors.js'
import { isRecord, parseJson } from '../json.js'
import { describeBody } from '../net/body.js'
import type { BodySink, Http, HttpResponse } from '../net/http.js'

/** One tenant's way to the API: its base URL and its token. */
export interface DefenderApi {
  /** Defender API base URL, without a trailing slash. */
  apiUrl: string
  /**
   * GETs `url` (a path below the API URL, or a whole URL the caller checked), and returns the 200
   * answer; any other status is a {@link ServiceError} that names `permission` when it is missing.
   */
  get(url: string, permission: string, options?: { path?: string; maxBodyBytes?: number; sink?: () => BodySink }): Promise<HttpResponse>
}

export function defenderApi(http: Http, apiUrl: string, token: string): DefenderApi {
  return {
    apiUrl,
    get: async (url, permission, options = {}) => {
      const absolute = url.startsWith('/') ? `${apiUrl}${url}` : url
      const response = await http.send({
        service: 'the Defender API',
        method: 'GET',
        url: absolute,
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
        ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
        ...(options.sink === undefined ? {} : { sink: options.sink })
      })
      if (response.status !== 200) {
        throw new ServiceError(describeApiFailure(options.path ?? new URL(absolute).pathname, response, permission))
      }
      return response
    }
  }
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
