/**
 * GitHub's REST API (and, for one question, GraphQL) through the action's own {@link Http}: the same
 * proxy, CA, deadline, retries and bounded body as Microsoft's. Written here rather than with Octokit:
 * the action makes a handful of calls, and answers from GitHub are treated as hostile like any other
 * (a `Link` to another host is not followed with the token; an answer of the wrong shape is an error
 * that says so, not a crash).
 */
import { ServiceError } from '../errors.js'
import { isRecord, parseJson } from '../json.js'
import { describeBody } from '../net/body.js'
import { redactedJson } from '../secrets.js'
import type { Http, HttpRequest, HttpResponse } from '../net/http.js'
import { mayCarryTokens } from '../net/url-policy.js'

/** Pages of a listing read at most: 100 items a page, 5,000 comments or issues. */
const MAX_PAGES = 50

export interface GitHubTarget {
  token: string
  /** GITHUB_API_URL: api.github.com, or GitHub Enterprise Server's /api/v3. */
  apiUrl: string
  /** GITHUB_GRAPHQL_URL. */
  graphqlUrl: string
  /** GITHUB_REPOSITORY: owner/name. */
  repository: string
}

/** GitHub answered, but not with success: the status, GitHub's message, and what was asked. */
export class GitHubError extends ServiceError {
  constructor(
    readonly status: number,
    readonly request: string,
    detail: string,
    /** GitHub's primary or secondary rate limit, which answers 403 or 429: not a missing permission. */
    readonly rateLimited = false
  ) {
    super(`GitHub's API answered ${request} with HTTP ${status}${detail}`)
  }

  /** 403 or 404 that is a refusal of the token (not a rate limit): the job's permissions are the fix. */
  get refusedPermission(): boolean {
    return (this.status === 403 || this.status === 404) && !this.rateLimited
  }
}

/**
 * What to add to a failure of GitHub's API: for a refusal, the permission the job needs; for a rate
 * limit, that it is one (GitHub answers it with 403 as well as 429).
 * https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api
 */
export function gitHubHint(error: unknown, permission: string): string {
  if (!(error instanceof GitHubError)) {
    return ''
  }
  if (error.rateLimited) {
    return " GitHub's API rate limit for this token is spent: run less often, or wait for the limit to reset."
  }
  return error.refusedPermission ? ` The token cannot do this: give the job 'permissions: ${permission}'.` : ''
}

/** `heads/<branch>` for the git refs endpoints, whose {ref} is several path segments: a branch's slashes stay slashes. */
export function branchRefPath(branch: string): string {
  return `heads/${branch.split('/').map(encodeURIComponent).join('/')}`
}

export class GitHubApi {
  constructor(
    private readonly http: Http,
    readonly target: GitHubTarget
  ) {}

  /** `/repos/{owner}/{repo}` of GITHUB_REPOSITORY, the start of every path the action asks for. */
  get repositoryPath(): string {
    const [owner = '', repo = ''] = this.target.repository.split('/')
    return `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`
  }

  /** `path` is below the API URL, e.g. `/repos/o/r/issues/1/comments`. */
  async request(
    method: HttpRequest['method'],
    path: string,
    body?: unknown,
    limits: Pick<HttpRequest, 'maxBodyBytes' | 'tooLargeHint'> = {}
  ): Promise<unknown> {
    const response = await this.send(method, `${this.target.apiUrl}${path}`, body, limits)
    return response.status === 204 ? undefined : this.json(response, `${method} ${path}`)
  }

  /** Every item of a paged listing (at most `pages` pages), following `Link: rel="next"` only to the API's own origin. */
  async list(path: string, pages = MAX_PAGES): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = []
    let url: string | undefined = `${this.target.apiUrl}${path}${path.includes('?') ? '&' : '?'}per_page=100`
    for (let page = 0; url !== undefined && page < pages; page++) {
      const response = await this.send('GET', url, undefined)
      const data = this.json(response, `GET ${path}`)
      if (!Array.isArray(data)) {
        throw new GitHubError(response.status, `GET ${path}`, ` but not with a list (${describeBody(response.body, response.headers)})`)
      }
      items.push(...data.filter(isRecord))
      url = this.nextPage(response)
    }
    return items
  }

  /**
   * The login of the identity the token acts as, from GraphQL's `viewer`, which answers for every kind
   * of token: `github-actions[bot]` for the job's GITHUB_TOKEN, `<app-slug>[bot]` for a GitHub App's
   * installation token, the user's login for a personal access token.
   */
  async viewerLogin(): Promise<string> {
    const response = await this.send('POST', this.target.graphqlUrl, { query: 'query { viewer { login } }' })
    const json = this.json(response, 'POST /graphql (viewer)')
    const data = isRecord(json) ? json['data'] : undefined
    const viewer = isRecord(data) ? data['viewer'] : undefined
    const login = isRecord(viewer) ? viewer['login'] : undefined
    if (typeof login !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9-]*(\[bot\])?$/.test(login)) {
      throw new GitHubError(
        response.status,
        'POST /graphql (viewer)',
        ` but without the login of the token's identity (${describeBody(response.body, response.headers)})`
      )
    }
    return login
  }

  private async send(
    method: HttpRequest['method'],
    url: string,
    body: unknown,
    limits: Pick<HttpRequest, 'maxBodyBytes' | 'tooLargeHint'> = {}
  ): Promise<HttpResponse> {
    return this.http.send({
      ...limits,
      service: "GitHub's API",
      method,
      url,
      headers: {
        Authorization: `Bearer ${this.target.token}`,
        Accept: 'application/vnd.github+json',
        'X-GitHub-Api-Version': '2022-11-28',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' })
      },
      ...(body === undefined ? {} : { body: redactedJson(body) }),
      // Creating must not be sent twice: a retry after a lost answer could create a second one.
      retry: method !== 'POST' || url === this.target.graphqlUrl
    })
  }

  private json(response: HttpResponse, request: string): unknown {
    if (response.status < 200 || response.status > 299) {
      const json = parseJson(response.body)
      const message = isRecord(json) && typeof json['message'] === 'string' ? json['message'] : undefined
      const detail =
        message === undefined
          ? ` (${describeBody(response.body, response.headers)})`
          : `: ${[message, ...errorMessages(json)].join('; ').slice(0, 500)}`
      const rateLimited =
        (response.status === 403 || response.status === 429) &&
        (response.headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(message ?? ''))
      throw new GitHubError(response.status, request, detail, rateLimited)
    }
    const json = parseJson(response.body)
    if (json === undefined) {
      throw new GitHubError(response.status, request, ` but not with JSON (${describeBody(response.body, response.headers)})`)
    }
    return json
  }

  private nextPage(response: HttpResponse): string | undefined {
    const link = [response.headers['link']].flat().join(',')
    const next = /<([^>]+)>\s*;\s*rel="next"/.exec(link)?.[1]
    if (next === undefined || !URL.canParse(next)) {
      return undefined
    }
    const url = new URL(next)
    if (url.origin !== new URL(this.target.apiUrl).origin || !mayCarryTokens(url)) {
      throw new ServiceError(
        `GitHub's API pointed the next page at ${url.origin}, not at ${new URL(this.target.apiUrl).origin}; ` +
          'the action sends its token only to the configured API (GITHUB_API_URL), so the listing was not followed.'
      )
    }
    return url.href
  }
}

/** The reasons in a 422's `errors` list: `errors[].message`, or `field code` where there is no message. */
function errorMessages(json: unknown): string[] {
  const errors = isRecord(json) && Array.isArray(json['errors']) ? json['errors'] : []
  return errors.slice(0, 5).flatMap(item => {
    if (typeof item === 'string') return [item]
    if (!isRecord(item)) return []
    if (typeof item['message'] === 'string') return [item['message']]
    const parts = [item['field'], item['code']].filter((part): part is string => typeof part === 'string')
    return parts.length > 0 ? [parts.join(' ')] : []
  })
}
