/**
 * Where the accepted-risks file is read, so that a pull request cannot accept its own risk: on
 * pull_request and pull_request_target events, from the base commit through GitHub's contents API,
 * never from the workspace (the pull request's merge commit); on other events, from the workspace
 * when the file is there, or else from the default branch through the API.
 * https://docs.github.com/rest/repos/contents#get-repository-content
 */
import { ConfigurationError, failureMessage } from '../errors.js'
import { GitHubApi, GitHubError, gitHubHint, type GitHubTarget } from '../github/api.js'
import { PULL_REQUEST_EVENTS, readEventPayload } from '../github/event.js'
import { isRecord } from '../json.js'
import type { Http } from '../net/http.js'
import { readWorkspaceFile } from '../files/workspace.js'
import { fileTooLarge, MAX_FILE_BYTES, parseAcceptedRisks, type FileContext } from './file.js'
import type { AcceptedRisks } from './risk.js'

/** The accepted-risks inputs and what the runner says about the event. */
export interface AcceptedRisksInput {
  /** The input as given: the file's path in the repository. */
  path: string
  /** The same file in the workspace (absolute, inside it). */
  workspacePath: string
  workspace: string
  /** accepted-risks-max-days: the furthest an expiry may be from the run. */
  maxDays: number
  /** accepted-risks-warn-days. */
  warnDays: number
  /** GITHUB_EVENT_NAME and GITHUB_EVENT_PATH. */
  eventName: string
  eventPath: string
  /** GitHub's API with github-token; undefined when the token is empty. */
  github: GitHubTarget | undefined
}

/** The base-64 answer of the contents API for a file of {@link MAX_FILE_BYTES}, with room for its fields. */
const MAX_ANSWER_BYTES = Math.ceil((MAX_FILE_BYTES * 4) / 3) + 64 * 1024
/** A branch name as the event payload may give it, to be shown: anything else is not shown. */
const BRANCH_NAME = /^[\w./-]{1,200}$/
/** A commit's SHA-1 or SHA-256. */
const COMMIT_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/

/** Reads and validates the file; throws {@link ConfigurationError} for a file that cannot be had or used. */
export async function readAcceptedRisks(
  input: AcceptedRisksInput,
  http: Http,
  context: Omit<FileContext, 'where'>
): Promise<AcceptedRisks> {
  const { bytes, where } = await fetchFile(input, http)
  return { where, risks: parseAcceptedRisks(bytes, { ...context, where }), today: context.today, warnDays: input.warnDays }
}

async function fetchFile(input: AcceptedRisksInput, http: Http): Promise<{ bytes: Buffer; where: string }> {
  if (PULL_REQUEST_EVENTS.includes(input.eventName)) {
    const base = await baseCommit(input.eventPath)
    if (base === undefined) {
      throw new ConfigurationError(
        `accepted-risks: this ${input.eventName} run's event payload (GITHUB_EVENT_PATH) names no base commit (pull_request.base.sha), ` +
          "so the file cannot be read from the base branch, and a pull request's own copy is never used. Run the action on the runner's own event."
      )
    }
    const where = `${input.path} on ${base.ref} at ${base.sha.slice(0, 7)}`
    return { bytes: await fromGitHub(input, http, base.sha, where), where }
  }
  const local = await readWorkspaceFile(input.workspacePath, input.workspace)
  if (local.kind === 'read') {
    const where = `${input.path} in the workspace`
    const size = local.bytes.length + local.skippedBytes
    if (size > MAX_FILE_BYTES) {
      throw fileTooLarge(where, size)
    }
    return { bytes: local.bytes, where }
  }
  const branch = await defaultBranch(input.eventPath)
  const where = `${input.path} on the default branch${branch ? ` (${branch})` : ''}`
  return { bytes: await fromGitHub(input, http, undefined, where), where }
}

/** The file at `ref` (the default branch when undefined), through the contents API. */
async function fromGitHub(input: AcceptedRisksInput, http: Http, ref: string | undefined, where: string): Promise<Buffer> {
  const cannot = (why: string) => new ConfigurationError(`accepted-risks (${where}) could not be read: ${why}`)
  if (input.github === undefined) {
    throw cannot("github-token is empty. Leave it at its default (${{ github.token }}) and give the job 'permissions: contents: read'.")
  }
  const github = new GitHubApi(http, input.github)
  const path = `${github.repositoryPath}/contents/${input.path.split('/').map(encodeURIComponent).join('/')}${ref ? `?ref=${ref}` : ''}`
  let answer: unknown
  try {
    answer = await github.request('GET', path, undefined, {
      maxBodyBytes: MAX_ANSWER_BYTES,
      tooLargeHint: `The file is larger than the ${MAX_FILE_BYTES} bytes (1 MiB) accepted-risks may have.`
    })
  } catch (error) {
    if (error instanceof GitHubError) {
      const missing = error.status === 404 ? ' Check the path, and that the file is committed there.' : ''
      throw cannot(`${failureMessage(error).replace(/\.$/, '')}.${missing}${gitHubHint(error, 'contents: read')}`)
    }
    throw error
  }
  if (!isRecord(answer) || answer['type'] !== 'file') {
    throw cannot(`it is not a file (GitHub's contents API answered with ${Array.isArray(answer) ? 'a folder' : 'something else'}).`)
  }
  const { size, content, encoding } = answer
  if (typeof size === 'number' && size > MAX_FILE_BYTES) {
    throw fileTooLarge(where, size)
  }
  if (encoding !== 'base64' || typeof content !== 'string' || (content === '' && size !== 0)) {
    throw cannot("GitHub's contents API answered without the file's base64 content (it gives none for files over 1 MB).")
  }
  return Buffer.from(content, 'base64')
}

/** The pull request's base: its branch's name and commit, from the event payload, each of the shape GitHub gives. */
async function baseCommit(eventPath: string): Promise<{ ref: string; sha: string } | undefined> {
  const payload = await readEventPayload(eventPath)
  const pullRequest = isRecord(payload) ? payload['pull_request'] : undefined
  const base = isRecord(pullRequest) ? pullRequest['base'] : undefined
  const sha = isRecord(base) ? base['sha'] : undefined
  const ref = isRecord(base) ? base['ref'] : undefined
  if (typeof sha !== 'string' || !COMMIT_SHA.test(sha)) {
    return undefined
  }
  return { sha, ref: typeof ref === 'string' && BRANCH_NAME.test(ref) ? ref : 'the base branch' }
}

/** The repository's default branch, as the event payload names it. */
async function defaultBranch(eventPath: string): Promise<string | undefined> {
  const payload = await readEventPayload(eventPath)
  const repository = isRecord(payload) ? payload['repository'] : undefined
  const branch = isRecord(repository) ? repository['default_branch'] : undefined
  return typeof branch === 'string' && BRANCH_NAME.test(branch) ? branch : undefined
}
