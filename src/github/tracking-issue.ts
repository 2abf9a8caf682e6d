/**
 * issue-on-failure: one open issue per tenant while checks fail. Created by the first failing run,
 * updated by later ones (never a second issue), commented on and closed by the first run that
 * passes every check. Like the sticky comment, it touches only issues its own token's identity
 * created and marked: an issue by anyone else that carries the marker is never edited or closed.
 * The action's issues carry {@link TRACKING_LABEL}, so a run finds its issue by listing that label's
 * open issues (a page or two), however many other issues and pull requests are open; when a failing
 * tenant's issue is not among them (the label was deleted or taken off), the open issues its token's
 * identity created are listed too (a bounded number of pages), and the label is put back.
 *
 * An issue records the checks it was opened for (a comment line under its marker), and only a run
 * that evaluated every one of them, and saw each pass, closes it: another workflow that checks less
 * (only min-score, while the issue is about an exploitable vulnerability) leaves it open.
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

/** Room a body leaves under GitHub's limit for the line that records the checks. */
export const CHECKS_RECORD_CHARS = 1024

/**
 * Issues a run opens at most: GitHub's secondary rate limits allow about 80 new issues and comments a
 * minute. The failing tenants past it get theirs from the next runs.
 */
export const MAX_ISSUES_OPENED = 20

/** Pages of the identity's own open issues read when an issue lost its label. */
const UNLABELLED_PAGES = 3

interface Issue {
  number: number
  author: string
  body: string
  url: string
  labels: string[]
}

/** One tenant's verdict and the issue that tracks it. */
export interface TrackedTenant {
  failed: boolean
  /**
   * The checks (by input name) that failed or could not be evaluated; for a tenant that could not be
   * read, every check asked of it. An issue records them.
   */
  failing: string[]
  /** The checks this run evaluated and saw pass (each of its subjects, for a check with several). */
  passed: string[]
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
    const listOpen = async (filter: string, pages?: number): Promise<Issue[]> =>
      (await github.list(`${issues}?state=open&${filter}`, pages))
        .filter(item => !('pull_request' in item))
        .flatMap(toIssue)
        .sort((a, b) => a.number - b.number)
    const labelled = () => listOpen(`labels=${encodeURIComponent(TRACKING_LABEL)}`)
    let listed = await labelled()
    const mine = (content: TrackingIssueContent) => listed.filter(issue => isOwnedBy(issue, me, content.marker))
    if (tenants.some(tenant => tenant.failed && mine(tenant.content).length === 0)) {
      const unlabelled = (await listOpen(`creator=${encodeURIComponent(me)}`, UNLABELLED_PAGES)).filter(
        issue => !isLabelled(issue) && tenants.some(tenant => isOwnedBy(issue, me, tenant.content.marker))
      )
      listed = [...listed, ...unlabelled].sort((a, b) => a.number - b.number)
    }
    const untracked = tenants.filter(tenant => tenant.failed && mine(tenant.content).length === 0)
    if (untracked.length > 0 || listed.some(issue => !isLabelled(issue))) {
      await ensureLabel(github)
    }
    if (untracked.length > 0) {
      for (const { content, failing } of untracked.slice(0, MAX_ISSUES_OPENED)) {
        await github.request('POST', issues, { title: content.title, body: recordedBody(content, failing), labels: [TRACKING_LABEL] })
      }
      if (untracked.length > MAX_ISSUES_OPENED) {
        warning(
          `issue-on-failure: ${untracked.length - MAX_ISSUES_OPENED} more failing tenant(s) have no tracking issue yet: a run opens at most ` +
            `${MAX_ISSUES_OPENED} (GitHub limits how fast content is created), so the next runs open them. The failed-tenants output ` +
            'and the job summary list every failing tenant.'
        )
      }
      const created = await labelled()
      listed = [...created, ...listed.filter(issue => !created.some(other => other.number === issue.number))].sort(
        (a, b) => a.number - b.number
      )
    }
    for (const [index, tenant] of tenants.entries()) {
      const own = mine(tenant.content)
      const opened = untracked.indexOf(tenant)
      urls[index] = tenant.failed
        ? opened >= MAX_ISSUES_OPENED
          ? undefined
          : await keepOpen(github, issues, own, tenant)
        : await closeRecovered(github, issues, own, tenant)
    }
  } catch (error) {
    warning(
      `issue-on-failure: the tracking issue could not be kept (${failureMessage(error).replace(/\.$/, '')}).${gitHubHint(error, 'issues: write')}`
    )
  }
  return urls
}

/** Closes the tenant's issue when this run evaluated every check it records and each passed; otherwise leaves it open. */
async function closeRecovered(github: GitHubApi, issues: string, mine: Issue[], tenant: TrackedTenant): Promise<string | undefined> {
  const [keeper] = mine
  if (!keeper) {
    return undefined
  }
  const recorded = recordedChecks(keeper.body)
  const unseen = recorded.filter(check => !tenant.passed.includes(check))
  if (unseen.length > 0) {
    info(
      `issue-on-failure: ${keeper.url} stays open: it tracks ${unseen.join(', ')}, which this run did not evaluate ` +
        '(another workflow checks it); a run that evaluates every check it tracks, and sees each pass, closes it.'
    )
    return keeper.url
  }
  for (const issue of mine) {
    await github.request('POST', `${issues}/${issue.number}/comments`, { body: tenant.content.recovery })
    await github.request('PATCH', `${issues}/${issue.number}`, { state: 'closed', state_reason: 'completed' })
    info(`issue-on-failure: every check passes again; closed ${issue.url}.`)
  }
  return keeper.url
}

async function keepOpen(github: GitHubApi, issues: string, mine: Issue[], tenant: TrackedTenant): Promise<string> {
  const { content } = tenant
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
  // Checks recorded by other workflows stay recorded: this run's passing them does not answer for those.
  const record = [...new Set([...recordedChecks(keeper.body), ...tenant.failing])]
  const labels = isLabelled(keeper) ? {} : { labels: [...keeper.labels, TRACKING_LABEL] }
  await github.request('PATCH', `${issues}/${keeper.number}`, { title: content.title, body: recordedBody(content, record), ...labels })
  info(`issue-on-failure: ${keeper.url} tracks the failing checks.`)
  return keeper.url
}

/** The line under the marker that records the checks an issue was opened for. */
const CHECKS_RECORD = /^<!-- defender-secure-score-action checks: ([a-z0-9 -]{0,400}) -->$/

/** The body with the checks recorded on the line after its marker. */
function recordedBody(content: TrackingIssueContent, checks: string[]): string {
  const names = checks.filter(check => /^[a-z0-9-]{1,64}$/.test(check)).join(' ')
  return `${content.marker}\n<!-- defender-secure-score-action checks: ${names} -->${content.body.slice(content.marker.length)}`
}

/** The checks an issue records; none for an issue opened before issues recorded them. */
function recordedChecks(body: string): string[] {
  const line = body.split('\n', 2)[1] ?? ''
  return CHECKS_RECORD.exec(line)?.[1]?.split(' ').filter(Boolean) ?? []
}

/** Label names compare case-insensitively, as GitHub compares them. */
function isLabelled(issue: Issue): boolean {
  return issue.labels.some(label => label.toLowerCase() === TRACKING_LABEL)
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
  const { number, body, html_url: url, user, labels } = value
  const login = isRecord(user) ? user['login'] : undefined
  if (typeof number !== 'number' || typeof login !== 'string') {
    return []
  }
  return [
    {
      number,
      author: login,
      body: typeof body === 'string' ? body : '',
      url: typeof url === 'string' && /^https:\/\/\S+$/.test(url) ? url : '',
      labels: (Array.isArray(labels) ? labels : []).flatMap(label =>
        isRecord(label) && typeof label['name'] === 'string' ? [label['name']] : []
      )
    }
  ]
}
