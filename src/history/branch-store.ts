/**
 * The history kept on a branch of the repository (history-branch), read and written only through
 * GitHub's REST API: no checkout, nothing in the workspace. Each run appends one line with a
 * compare-and-swap (the contents API's blob `sha`), and starts again from a fresh read when another
 * run wrote first, so runs that race lose no reading. A missing branch is created holding only the
 * history (an orphan commit, like gh-pages), not a copy of the default branch.
 * https://docs.github.com/rest/repos/contents#create-or-update-file-contents
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { failureMessage } from '../errors.js'
import { MAX_READ_BYTES } from '../files/workspace.js'
import { GitHubApi, GitHubError, type GitHubTarget } from '../github/api.js'
import { isRecord } from '../json.js'
import { info, warning } from '../log.js'
import type { Http } from '../net/http.js'
import { historyLine, parseHistory, type HistoryEntry, type HistoryFile } from './history.js'

/** Attempts at the compare-and-swap before giving up: enough for dozens of runs in the same second. */
const MAX_ATTEMPTS = 12

export interface BranchLocation {
  branch: string
  path: string
  github: GitHubTarget
}

type BranchFile =
  | { kind: 'no-branch' }
  | { kind: 'no-file' }
  | { kind: 'file'; text: string; sha: string }
  | { kind: 'too-large'; size: number }

/**
 * Reads the earlier readings from the branch and appends this one. Returns the earlier readings
 * (what the append was based on), or undefined when they could not be read. Never throws: a token
 * that cannot write warns, and the checks still decide on what was read.
 */
export async function recordOnBranch(
  http: Http,
  location: BranchLocation,
  current: HistoryEntry,
  message: string
): Promise<HistoryFile | undefined> {
  const github = new GitHubApi(http, location.github)
  const where = `${location.path} on branch ${location.branch}`
  let earlier: HistoryFile | undefined
  try {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const read = await readFile(github, location)
      if (read.kind === 'too-large') {
        warning(
          `history-branch: ${where} is ${Math.round(read.size / 1024 / 1024)} MiB, more than the ${MAX_READ_BYTES / 1024 / 1024} MiB ` +
            'the action reads; this reading is not added, and max-drop and the trend are not checked. Move older lines to an archive file.'
        )
        return undefined
      }
      earlier = parseHistory(read.kind === 'file' ? read.text : '')
      const text = `${read.kind === 'file' ? read.text : ''}${historyLine(current, earlier.needsNewline)}`
      const written =
        read.kind === 'no-branch'
          ? await createBranch(github, location, text, message)
          : await writeFile(github, location, text, message, read)
      if (written) {
        info(`history-branch: appended this reading to ${where} (attempt ${attempt}).`)
        return earlier
      }
      // Another run wrote first: read again, after a short jittered pause so racing runs spread out.
      await sleep(Math.round(50 * attempt * (1 + Math.random())))
    }
    warning(`history-branch: ${where} kept changing under this run (${MAX_ATTEMPTS} attempts); this reading is not added.`)
    return earlier
  } catch (error) {
    const refused = error instanceof GitHubError && (error.status === 403 || error.status === 404)
    const hint = refused
      ? " The token cannot write the repository's contents: give the job 'permissions: contents: write' (a fork's pull request never can)."
      : ''
    warning(
      `history-branch: ${where} could not be ${earlier ? 'written' : 'read'} (${failureMessage(error)}); this reading is not added.${hint}`
    )
    return earlier
  }
}

function contentsPath(github: GitHubApi, location: BranchLocation): string {
  return `${github.repositoryPath}/contents/${location.path.split('/').map(encodeURIComponent).join('/')}`
}

async function readFile(github: GitHubApi, location: BranchLocation): Promise<BranchFile> {
  const branch = encodeURIComponent(location.branch)
  let answer: unknown
  try {
    answer = await github.request('GET', `${contentsPath(github, location)}?ref=${branch}`)
  } catch (error) {
    if (!(error instanceof GitHubError && error.status === 404)) {
      throw error
    }
    // 404 for a missing file and for a missing branch alike: the branch's ref tells which.
    const ref = await github.request('GET', `${github.repositoryPath}/git/ref/heads/${branch}`).catch((refError: unknown) => {
      if (refError instanceof GitHubError && refError.status === 404) return undefined
      throw refError
    })
    return ref === undefined ? { kind: 'no-branch' } : { kind: 'no-file' }
  }
  if (!isRecord(answer) || answer['type'] !== 'file' || typeof answer['sha'] !== 'string' || typeof answer['size'] !== 'number') {
    throw new GitHubError(200, `GET ${contentsPath(github, location)}`, ' but not with a file (is history-file a folder on the branch?)')
  }
  const { sha, size } = answer
  if (size > MAX_READ_BYTES) {
    return { kind: 'too-large', size }
  }
  // Files over 1 MB come without content from the contents API; the blob API gives them up to 100 MB.
  const blob =
    answer['encoding'] === 'base64' && typeof answer['content'] === 'string' && (answer['content'] || size === 0)
      ? answer
      : await github.request('GET', `${github.repositoryPath}/git/blobs/${encodeURIComponent(sha)}`)
  const content = isRecord(blob) && blob['encoding'] === 'base64' && typeof blob['content'] === 'string' ? blob['content'] : undefined
  if (content === undefined) {
    throw new GitHubError(200, `GET ${contentsPath(github, location)}`, ' but without the base64 content of the file')
  }
  return { kind: 'file', text: Buffer.from(content, 'base64').toString('utf8'), sha }
}

/** The compare-and-swap: false when another run changed the file since it was read. */
async function writeFile(github: GitHubApi, location: BranchLocation, text: string, message: string, read: BranchFile): Promise<boolean> {
  try {
    await github.request('PUT', contentsPath(github, location), {
      message,
      content: Buffer.from(text, 'utf8').toString('base64'),
      branch: location.branch,
      ...(read.kind === 'file' ? { sha: read.sha } : {})
    })
    return true
  } catch (error) {
    // 409: the sha no longer matches; 422: the file appeared since (no sha was sent).
    if (error instanceof GitHubError && (error.status === 409 || error.status === 422)) {
      return false
    }
    throw error
  }
}

/** Creates the branch with one orphan commit holding the history file; false when another run created it first. */
async function createBranch(github: GitHubApi, location: BranchLocation, text: string, message: string): Promise<boolean> {
  const repository = github.repositoryPath
  const tree = await github.request('POST', `${repository}/git/trees`, {
    tree: [{ path: location.path, mode: '100644', type: 'blob', content: text }]
  })
  const treeSha = isRecord(tree) ? tree['sha'] : undefined
  const commit = await github.request('POST', `${repository}/git/commits`, { message, tree: treeSha, parents: [] })
  const commitSha = isRecord(commit) ? commit['sha'] : undefined
  if (typeof treeSha !== 'string' || typeof commitSha !== 'string') {
    throw new GitHubError(201, `POST ${repository}/git/commits`, ' but without the sha of what it created')
  }
  try {
    await github.request('POST', `${repository}/git/refs`, { ref: `refs/heads/${location.branch}`, sha: commitSha })
    info(`history-branch: created branch ${location.branch} holding only ${location.path}.`)
    return true
  } catch (error) {
    if (error instanceof GitHubError && error.status === 422) {
      return false
    }
    throw error
  }
}
