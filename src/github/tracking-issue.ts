/**
 * issue-on-failure: one open issue per tenant while checks fail. Created by the first failing run,
 * updated by later ones (never a second issue), commented on and closed by the first run that
 * passes every check. Like the sticky comment, it touches only issues its own token's identity
 * created and marked: an issue by anyone else that carries the marker is never edited or closed.
 * The action's issues carry {@link TRACKING_LABEL}, so a run finds its issue by listing that label's
 * open issues (a page or two), however many other issues and pull requests are open.
 */
import { failureMessage } from '../errors.js'
import { isRecord } from '../json.js'
import { info, warning } from '../log.js'
import type { Http } from '../net/http.js'
import { GitHubApi, GitHubError, gitHubHint, type GitHubTarget } from './api.js'
import { isOwnedBy } from './ownership.js'

export interface TrackingIssueContent {
  /** Starts the body; finds the issue again. */
  marker: string
  title: string
  /** The latest report, for a failing run. */
  body: string
  /** One line for the recovery comment, for a passing run. */
  recovery: string
}

/** The label on every tracking issue: the listing that finds them is bounded by it. */
export const TRACKING_LABEL = 'defender-secure-score'

interface Issue {
  number: number
  author: string
  body: string
  url: string
}

/** One tenant's verdict and the issue that tracks it. */
export interface TrackedTenant {
  failed: boolean
  content: TrackingIssueContent
}

/**
 * Keeps each tenant's tracking issue in step with its verdict: one question for the token's identity
 * and one labelled listing for the whole run, however many tenants. Returns each tenant's issue page,
 * if it has one; never throws.
 */
export async function trackFailures(http: Http, target: GitHubTarget, tenants: TrackedTenant[]): Promise<Array<string | undefined>> {
  const github = new GitHubApi(http, target)
  const issues = `${github.repositoryPath}/issues`
  const urls: Array<string | undefined> = tenants.map(() => undefined)
  try {
    const me = await github.viewerLogin()
    const open = async (): Promise<Issue[]> =>
      (await github.list(`${issues}?state=open&labels=${encodeURIComponent(TRACKING_LABEL)}`))
        .filter(item => !('pull_request' in item))
        .flatMap(toIssue)
        .sort((a, b) => a.number - b.number)
    let listed = await open()
    const mine = (content: TrackingIssueContent) => listed.filter(issue => isOwnedBy(issue, me, content.marker))
    const untracked = tenants.filter(tenant => tenant.failed && mine(tenant.content).length === 0)
    if (untracked.length > 0) {
      await ensureLabel(github)
      for (const { content } of untracked) {
        await github.request('POST', issues, { title: content.title, body: content.body, labels: [TRACKING_LABEL] })
      }
      listed = await open()
    }
    for (const [index, { failed, content }] of tenants.entries()) {
      urls[index] = failed
        ? await keepOpen(github, issues, mine(content), content)
        : await closeRecovered(github, issues, mine(content), content)
    }
  } catch (error) {
    warning(
      `issue-on-failure: the tracking issue could not be kept (${failureMessage(error).replace(/\.$/, '')}).${gitHubHint(error, 'issues: write')}`
    )
  }
  return urls
}

async function closeRecovered(
  github: GitHubApi,
  issues: string,
  mine: Issue[],
  content: TrackingIssueContent
): Promise<string | undefined> {
  for (const issue of mine) {
    await github.request('POST', `${issues}/${issue.number}/comments`, { body: content.recovery })
    await github.request('PATCH', `${issues}/${issue.number}`, { state: 'closed', state_reason: 'completed' })
    info(`issue-on-failure: every check passes again; closed ${issue.url}.`)
  }
  return mine[0]?.url
}

async function keepOpen(github: GitHubApi, issues: string, mine: Issue[], content: TrackingIssueContent): Promise<string> {
  const [keeper, ...duplicates] = mine
  if (!keeper) {
    throw new GitHubError(
      201,
      `POST ${issues}`,
      `: the issue just created is not listed with the label '${TRACKING_LABEL}' (GitHub drops labels a token may not set; give the job 'permissions: issues: write')`
    )
  }
  // Runs that raced this one may have opened one each: close all but the oldest, pointing to it.
  for (const duplicate of duplicates) {
    await github.request('POST', `${issues}/${duplicate.number}/comments`, { body: `${content.marker}\nDuplicate of #${keeper.number}.` })
    await github.request('PATCH', `${issues}/${duplicate.number}`, { state: 'closed', state_reason: 'not_planned' })
  }
  await github.request('PATCH', `${issues}/${keeper.number}`, { title: content.title, body: content.body })
  info(`issue-on-failure: ${keeper.url} tracks the failing checks.`)
  return keeper.url
}

/** Creates the label if the repository lacks it; one that exists already (422) is what was wanted. */
async function ensureLabel(github: GitHubApi): Promise<void> {
  try {
    await github.request('POST', `${github.repositoryPath}/labels`, {
      name: TRACKING_LABEL,
      color: 'b60205',
      description: 'Opened by the Defender secure score action while a scheduled check fails'
    })
  } catch (error) {
    if (!(error instanceof GitHubError && error.status === 422)) {
      throw error
    }
  }
}

function toIssue(value: Record<string, unknown>): Issue[] {
  const { number, body, html_url: url, user } = value
  const login = isRecord(user) ? user['login'] : undefined
  if (typeof number !== 'number' || typeof login !== 'string') {
    return []
  }
  return [
    {
      number,
      author: login,
      body: typeof body === 'string' ? body : '',
      url: typeof url === 'string' && /^https:\/\/\S+$/.test(url) ? url : ''
    }
  ]
}
