import * as core from '@actions/core'
import { readFile } from 'node:fs/promises'
import type { IncomingHttpHeaders } from 'node:http'
import type { PullRequestCommentTarget } from '../config/settings.js'
import { ServiceError } from '../errors.js'
import { isRecord } from '../json.js'
import type { Http } from '../net/http.js'

const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target']

/**
 * Keeps one comment on the pull request up to date: finds it by its hidden marker, updates it in
 * place, or creates it. Returns its URL; undefined when skipped or refused. It never fails the run:
 * a fork's pull request gets a read-only token, and that must not turn a gate red.
 */
export async function upsertPullRequestComment(
  target: PullRequestCommentTarget,
  marker: string,
  body: string,
  http: Http
): Promise<string | undefined> {
  if (!PULL_REQUEST_EVENTS.includes(target.eventName)) {
    core.info(`comment-on-pr: skipped, this run's event is '${target.eventName || 'unknown'}', not a pull request.`)
    return undefined
  }
  const number = await pullRequestNumber(target.eventPath)
  const [owner, repo] = target.repository.split('/')
  if (number === undefined || !owner || !repo) {
    core.warning('comment-on-pr: skipped, the runner gave no pull request number (GITHUB_EVENT_PATH) or repository (GITHUB_REPOSITORY).')
    return undefined
  }
  try {
    const octokit = await createOctokit(target, http)
    const where = { owner, repo, issue_number: number }
    let existing: { id: number } | undefined
    for await (const page of octokit.paginate.iterator('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...where, per_page: 100 })) {
      existing = page.data.find(comment => comment.body?.includes(marker))
      if (existing) {
        break
      }
    }
    const { data } = existing
      ? await octokit.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { owner, repo, comment_id: existing.id, body })
      : await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...where, body })
    core.info(`${existing ? 'Updated' : 'Created'} the comment on pull request #${number}: ${data.html_url}`)
    return data.html_url
  } catch (error) {
    core.warning(`Could not comment on pull request #${number}${describeGitHubFailure(error)}`)
    return undefined
  }
}

/**
 * Octokit (core and pagination only: three routes do not need the 100 KB of generated methods),
 * with its `fetch` answered by the action's {@link Http}: GitHub's API then gets the same proxy and CA
 * settings, deadline, retries and bounded body as Microsoft's, and no second HTTP stack is loaded
 * (undici and its WebAssembly parser cost about 35 MiB and 75 ms a commented run; see npm run bench).
 */
async function createOctokit(target: PullRequestCommentTarget, http: Http) {
  const [{ Octokit }, { paginateRest }] = await Promise.all([import('@octokit/core'), import('@octokit/plugin-paginate-rest')])
  const GitHub = Octokit.plugin(paginateRest)
  return new GitHub({ auth: target.token, baseUrl: target.apiUrl, request: { fetch: fetchThrough(http) } })
}

/** The `fetch` Octokit calls, for the methods it uses here. */
function fetchThrough(http: Http): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const method = (init?.method ?? 'GET').toUpperCase()
    if (method !== 'GET' && method !== 'POST' && method !== 'PATCH') {
      throw new Error(`unexpected ${method} request to GitHub's API`)
    }
    const response = await http.send({
      service: "GitHub's API",
      method,
      url,
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      body: typeof init?.body === 'string' ? init.body : undefined,
      retry: method !== 'POST'
    })
    const empty = [204, 205, 304].includes(response.status)
    return new Response(empty ? null : response.body, { status: response.status, headers: toHeaders(response.headers) })
  }
}

function toHeaders(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers()
  for (const [name, value] of Object.entries(incoming)) {
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
      headers.append(name, item)
    }
  }
  return headers
}

async function pullRequestNumber(eventPath: string): Promise<number | undefined> {
  try {
    const payload: unknown = JSON.parse(await readFile(eventPath, 'utf8'))
    const pullRequest = isRecord(payload) ? payload['pull_request'] : undefined
    const number = isRecord(pullRequest) ? pullRequest['number'] : undefined
    return typeof number === 'number' ? number : undefined
  } catch {
    return undefined
  }
}

/** Why GitHub's API did not take the comment, and for a refusal, what to do. */
function describeGitHubFailure(error: unknown): string {
  // Octokit wraps what fetch threw (no answer, timeout) in a RequestError of status 500: show ours.
  const cause = error instanceof Error ? error.cause : undefined
  if (cause instanceof ServiceError) {
    return `: ${cause.message}`
  }
  const status = error instanceof Error && 'status' in error && typeof error.status === 'number' ? error.status : undefined
  const hint =
    status === 403 || status === 404
      ? " The token cannot write here: pull requests from forks get a read-only token; otherwise give the job 'permissions: pull-requests: write'."
      : ''
  const detail = error instanceof Error ? error.message : String(error)
  return `${status === undefined ? '' : ` (HTTP ${status})`}: ${detail}.${hint}`
}
