/**
 * The sticky pull-request comment: one comment per tenant, kept up to date. It is found by its
 * hidden marker AND its author: the action edits only comments created by the identity its token
 * acts as (GitHubApi.viewerLogin), so a comment by anyone else that quotes the marker is never touched.
 */
import { failureMessage } from '../errors.js'
import { isRecord } from '../json.js'
import { PULL_REQUEST_EVENTS, readEventPayload } from './event.js'
import { info, warning } from '../log.js'
import type { Http } from '../net/http.js'
import { GitHubApi, GitHubError, gitHubHint, type GitHubTarget } from './api.js'
import { isOwnedBy } from './ownership.js'

/** Where the sticky comment goes: GitHub's API, and what the runner says about this run. */
export interface PullRequestCommentTarget {
  github: GitHubTarget
  /** GITHUB_EVENT_NAME: only pull_request and pull_request_target runs are commented on. */
  eventName: string
  /** GITHUB_EVENT_PATH: the event payload, which holds the pull request's number. */
  eventPath: string
}

/**
 * Keeps one comment on the pull request, whatever other runs do at the same time: creates it when
 * there is none, deletes the duplicates that runs racing this one created, and writes this run's
 * report into the oldest, last of all, so the comment shows the run that finished last.
 * Returns its URL; undefined when skipped or refused. It never fails the run: a fork's pull request
 * gets a read-only token, and that must not turn a gate red.
 */
export async function upsertPullRequestComment(
  target: PullRequestCommentTarget,
  marker: string,
  body: string,
  http: Http
): Promise<string | undefined> {
  if (!PULL_REQUEST_EVENTS.includes(target.eventName)) {
    info(`comment-on-pr: skipped, this run's event is '${target.eventName || 'unknown'}', not a pull request.`)
    return undefined
  }
  const number = await pullRequestNumber(target.eventPath)
  const [owner, repo] = target.github.repository.split('/')
  if (number === undefined || !owner || !repo) {
    warning('comment-on-pr: skipped, the runner gave no pull request number (GITHUB_EVENT_PATH) or repository (GITHUB_REPOSITORY).')
    return undefined
  }
  const github = new GitHubApi(http, target.github)
  const repository = github.repositoryPath
  try {
    const me = await github.viewerLogin()
    const ours = async (): Promise<Comment[]> =>
      (await github.list(`${repository}/issues/${number}/comments`)).flatMap(toComment).filter(comment => isOwnedBy(comment, me, marker))
    let mine = await ours()
    let created: Comment | undefined
    if (mine.length === 0) {
      created = toComment(await github.request('POST', `${repository}/issues/${number}/comments`, { body }))[0]
      mine = await ours()
    }
    const [keeper, ...duplicates] = mine.sort((a, b) => a.id - b.id)
    if (!keeper) {
      throw new GitHubError(200, 'GET comments', ': the comment just created is not listed')
    }
    for (const duplicate of duplicates) {
      await github.request('DELETE', `${repository}/issues/comments/${duplicate.id}`).catch((error: unknown) => {
        if (!(error instanceof GitHubError && error.status === 404)) throw error
      })
    }
    if (created?.id !== keeper.id || duplicates.length > 0) {
      await github.request('PATCH', `${repository}/issues/comments/${keeper.id}`, { body })
    }
    info(`${created?.id === keeper.id ? 'Created' : 'Updated'} the comment on pull request #${number}: ${keeper.url}`)
    return keeper.url
  } catch (error) {
    warning(`Could not comment on pull request #${number}: ${describeFailure(error)}`)
    return undefined
  }
}

export interface Comment {
  id: number
  body: string
  author: string
  /** The comment's page; only an https:// URL without spaces is taken, as it becomes an output. */
  url: string
}

function toComment(value: unknown): Comment[] {
  if (!isRecord(value) || typeof value['id'] !== 'number' || !isRecord(value['user'])) {
    return []
  }
  const url = value['html_url']
  const login = value['user']['login']
  return [
    {
      id: value['id'],
      body: typeof value['body'] === 'string' ? value['body'] : '',
      author: typeof login === 'string' ? login : '',
      url: typeof url === 'string' && /^https:\/\/\S+$/.test(url) ? url : ''
    }
  ]
}

async function pullRequestNumber(eventPath: string): Promise<number | undefined> {
  const payload = await readEventPayload(eventPath)
  const pullRequest = isRecord(payload) ? payload['pull_request'] : undefined
  const number = isRecord(pullRequest) ? pullRequest['number'] : undefined
  return typeof number === 'number' && Number.isSafeInteger(number) && number > 0 ? number : undefined
}

/** Why GitHub's API did not take the comment, and for a refusal, what to do. */
function describeFailure(error: unknown): string {
  const status = error instanceof GitHubError ? error.status : undefined
  const hint =
    error instanceof GitHubError && error.refusedPermission
      ? " The token cannot write here: pull requests from forks get a read-only token; otherwise give the job 'permissions: pull-requests: write'."
      : status !== undefined && status >= 300 && status < 400
        ? ' GitHub redirected the request: check GITHUB_API_URL (the repository may have moved).'
        : gitHubHint(error, 'pull-requests: write')
  return `${failureMessage(error).replace(/\.$/, '')}.${hint}`
}
