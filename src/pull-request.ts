import * as core from '@actions/core'
import { errorCode } from './errors.js'

const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target']

/**
 * Keeps one comment on the pull request up to date: finds it by its hidden marker, updates it in
 * place, or creates it. Returns its URL; undefined when skipped or refused. It never fails the run:
 * a fork's pull request gets a read-only token, and that must not turn a gate red.
 */
export async function upsertPullRequestComment(
  access: { token: string; apiUrl: string },
  marker: string,
  body: string,
  timeoutMs: number
): Promise<string | undefined> {
  // Imported only when commenting is asked for: Octokit is a large part of the bundle.
  const { context, getOctokit } = await import('@actions/github')
  const number = context.payload.pull_request?.number
  if (!PULL_REQUEST_EVENTS.includes(context.eventName) || typeof number !== 'number') {
    core.info(`comment-on-pr: skipped, this run's event is '${context.eventName || 'unknown'}', not a pull request.`)
    return undefined
  }
  // Octokit sets no deadline of its own; one for all the calls keeps a stalled API from holding the job.
  const deadline = AbortSignal.timeout(timeoutMs)
  try {
    const octokit = getOctokit(access.token, { baseUrl: access.apiUrl })
    // Added in a hook, the one place every request passes (paginate drops per-call request options),
    // and next to @actions/github's proxy-aware fetch rather than instead of it.
    octokit.hook.before('request', options => {
      options.request = { ...options.request, signal: deadline }
    })
    const { owner, repo } = context.repo
    let existing: { id: number } | undefined
    for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: number,
      per_page: 100
    })) {
      existing = page.data.find(comment => comment.body?.includes(marker))
      if (existing) {
        break
      }
    }
    const { data } = existing
      ? await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body })
      : await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body })
    core.info(`${existing ? 'Updated' : 'Created'} the comment on pull request #${number}: ${data.html_url}`)
    return data.html_url
  } catch (error) {
    if (deadline.aborted) {
      core.warning(
        `Could not comment on pull request #${number}: GitHub's API (${new URL(access.apiUrl).host}) did not answer within ` +
          `${timeoutMs / 1000} s (timeout-seconds).`
      )
      return undefined
    }
    const status = error instanceof Error && 'status' in error ? error.status : undefined
    const detail = error instanceof Error ? error.message : String(error)
    const hint =
      status === 403 || status === 404
        ? " The token cannot write here: pull requests from forks get a read-only token; otherwise give the job 'permissions: pull-requests: write'."
        : ''
    core.warning(
      `Could not comment on pull request #${number}${typeof status === 'number' ? ` (HTTP ${status})` : errorCode(error) ? ` (${errorCode(error)})` : ''}: ${detail}.${hint}`
    )
    return undefined
  }
}
