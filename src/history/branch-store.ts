/**
 * The history kept on a branch of the repository (history-branch), read and written only through
 * GitHub's REST API: no checkout, nothing in the workspace. Each run appends one line with a
 * compare-and-swap (the contents API's blob `sha`), and starts again from a fresh read when another
 * run wrote first, so runs that race lose no reading. A missing branch is created holding only the
 * history (an orphan commit, like gh-pages), not a copy of the default branch. The file is kept as
 * bytes: lines the action cannot read (not UTF-8, not a reading) are written back exactly as they were.
 * https://docs.github.com/rest/repos/contents#create-or-update-file-contents
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { failureMessage } from '../errors.js'
import { MAX_READ_BYTES } from '../files/workspace.js'
import { branchRefPath, GitHubApi, GitHubError, gitHubHint, type GitHubTarget } from '../github/api.js'
import { isRecord } from '../json.js'
import { EncodedText } from '../secrets.js'
import { info, warning } from '../log.js'
import type { Http } from '../net/http.js'
import {
  historyLines,
  isSameRun,
  nextBranchHistory,
  parseHistory,
  unreadableLinesWarning,
  type EarlierReadings,
  type HistoryEntry,
  type HistoryFile
} from './history.js'

/** Attempts at the compare-and-swap before giving up: enough for dozens of runs in the same second. */
const MAX_ATTEMPTS = 12

/**
 * The largest blob API answer for a history of {@link MAX_READ_BYTES}: base64 (4 bytes for 3) with
 * a line break every 60 characters, as GitHub sends it, and room for the JSON around it.
 */
export const MAX_BLOB_ANSWER_BYTES = Math.ceil(((MAX_READ_BYTES * 4) / 3) * (61 / 60)) + 64 * 1024

export interface BranchLocation {
  branch: string
  path: string
  github: GitHubTarget
}

type BranchFile =
  | { kind: 'no-branch' }
  | { kind: 'no-file' }
  | { kind: 'file'; bytes: Buffer; sha: string }
  /** Something the action must not read or overwrite: too large, a folder, a link, a submodule. */
  | { kind: 'unusable'; why: string }

/**
 * Reads the earlier readings from the branch and appends this run's (`build` makes them from the
 * earlier ones, which a line may carry a date from), one line per tenant, in one
 * commit (one compare-and-swap however many tenants). Returns the earlier readings (what
 * the append was based on), or why they could not be read. Never throws: a token that cannot write
 * warns, and the checks still decide on what was read.
 */
export async function recordOnBranch(
  http: Http,
  location: BranchLocation,
  build: (earlier: HistoryEntry[]) => HistoryEntry[],
  message: string
): Promise<EarlierReadings> {
  const github = new GitHubApi(http, location.github)
  const where = `${location.path} on branch ${location.branch}`
  let earlier: HistoryFile | undefined
  /** The refusal of the last write, and the state of the file it was based on. */
  let lastConflict: { error: GitHubError; state: string } | undefined
  try {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const read = await readFile(github, location, where)
      if (read.kind === 'unusable') {
        const reason = `history-branch: ${where} ${read.why}`
        warning(`${reason}; this reading is not added.`)
        return { kind: 'unavailable', reason }
      }
      const state = read.kind === 'file' ? read.sha : read.kind
      if (lastConflict?.state === state) {
        // Nothing changed since the refused write: GitHub refused it (a ruleset, a protected branch), no run raced it.
        throw lastConflict.error
      }
      const file = parseHistory(read.kind === 'file' ? read.bytes : '')
      earlier = file
      const current = build(file.entries)
      if (file.entries.some(entry => current.some(own => isSameRun(entry, own)))) {
        info(`history-branch: this run's reading is already in ${where} (an earlier attempt's answer was lost); not added twice.`)
        return finish(file, where)
      }
      const outcome =
        read.kind === 'no-branch'
          ? await createBranch(github, location, Buffer.from(historyLines(current, false), 'utf8'), message)
          : await writeFile(
              github,
              location,
              nextBranchHistory(read.kind === 'file' ? read.bytes : Buffer.alloc(0), current),
              message,
              read
            )
      if (outcome === 'written') {
        info(`history-branch: appended this reading to ${where} (attempt ${attempt}).`)
        return finish(file, where)
      }
      lastConflict = { error: outcome, state }
      // Another run may have written first: read again, after a short jittered pause so racing runs spread out.
      await sleep(Math.round(50 * attempt * (1 + Math.random())))
    }
    warning(`history-branch: ${where} kept changing under this run (${MAX_ATTEMPTS} attempts); this reading is not added.`)
    // MAX_ATTEMPTS is above 0, so the loop read the file at least once.
    return earlier ? finish(earlier, where) : { kind: 'unavailable', reason: `history-branch: ${where} kept changing` }
  } catch (error) {
    const what = earlier ? 'written' : 'read'
    const reason = `history-branch: ${where} could not be ${what} (${failureMessage(error).replace(/\.$/, '')})`
    warning(`${reason}; this reading is not added.${gitHubHint(error, 'contents: write')}${forkNote(error)}`)
    return earlier ? finish(earlier, where) : { kind: 'unavailable', reason }
  }
}

function forkNote(error: unknown): string {
  return error instanceof GitHubError && error.refusedPermission ? " (A fork's pull request never can.)" : ''
}

/** The earlier readings as read, with the same warning as a workspace file for lines that are not readings. */
function finish(file: HistoryFile, where: string): EarlierReadings {
  if (file.unreadableLines > 0) {
    warning(unreadableLinesWarning(where, file.unreadableLines))
  }
  return { kind: 'read', file }
}

function contentsPath(github: GitHubApi, location: BranchLocation): string {
  return `${github.repositoryPath}/contents/${location.path.split('/').map(encodeURIComponent).join('/')}`
}

/** What the contents API answers for a path that is not a file, in words. */
const NOT_A_FILE: Record<string, string> = {
  dir: 'is a folder, not a file',
  symlink: 'is a symbolic link, not a file (the action does not follow links)',
  submodule: 'is a submodule, not a file'
}

async function readFile(github: GitHubApi, location: BranchLocation, where: string): Promise<BranchFile> {
  let answer: unknown
  try {
    answer = await github.request('GET', `${contentsPath(github, location)}?ref=${encodeURIComponent(location.branch)}`)
  } catch (error) {
    if (!(error instanceof GitHubError && error.status === 404)) {
      throw error
    }
    // 404 for a missing file and for a missing branch alike: the branch's ref tells which.
    const ref = await github
      .request('GET', `${github.repositoryPath}/git/ref/${branchRefPath(location.branch)}`)
      .catch((refError: unknown) => {
        if (refError instanceof GitHubError && refError.status === 404) return undefined
        throw refError
      })
    return ref === undefined ? { kind: 'no-branch' } : { kind: 'no-file' }
  }
  if (Array.isArray(answer)) {
    return { kind: 'unusable', why: NOT_A_FILE['dir'] ?? '' }
  }
  const type = isRecord(answer) ? answer['type'] : undefined
  if (typeof type === 'string' && type !== 'file') {
    return { kind: 'unusable', why: NOT_A_FILE[type] ?? `is a ${JSON.stringify(type).slice(0, 40)}, not a file` }
  }
  if (!isRecord(answer) || typeof answer['sha'] !== 'string' || typeof answer['size'] !== 'number') {
    throw new GitHubError(200, `GET ${contentsPath(github, location)}`, ' but not with the sha and size of a file')
  }
  const { sha, size } = answer
  if (size > MAX_READ_BYTES) {
    return {
      kind: 'unusable',
      why: `is ${Math.round(size / 1024 / 1024)} MiB, more than the ${MAX_READ_BYTES / 1024 / 1024} MiB the action reads. Move older lines to an archive file`
    }
  }
  // Files over 1 MB come without content from the contents API; the blob API gives them up to 100 MB.
  const blob =
    answer['encoding'] === 'base64' && typeof answer['content'] === 'string' && (answer['content'] || size === 0)
      ? answer
      : await github.request('GET', `${github.repositoryPath}/git/blobs/${encodeURIComponent(sha)}`, undefined, {
          maxBodyBytes: MAX_BLOB_ANSWER_BYTES,
          tooLargeHint: `${where} is larger than the ${MAX_READ_BYTES / 1024 / 1024} MiB the action reads: move older lines to an archive file.`
        })
  const content = isRecord(blob) && blob['encoding'] === 'base64' && typeof blob['content'] === 'string' ? blob['content'] : undefined
  if (content === undefined) {
    throw new GitHubError(200, `GET ${contentsPath(github, location)}`, ' but without the base64 content of the file')
  }
  return { kind: 'file', bytes: Buffer.from(content, 'base64'), sha }
}

/** The compare-and-swap: the refusal when GitHub did not take it (another run wrote first, or a refusal the next read tells apart). */
async function writeFile(
  github: GitHubApi,
  location: BranchLocation,
  bytes: Buffer,
  message: string,
  read: BranchFile
): Promise<'written' | GitHubError> {
  try {
    await github.request('PUT', contentsPath(github, location), {
      message,
      // Its lines were redacted as they were made (historyLines); the earlier ones are GitHub's already.
      content: new EncodedText(bytes.toString('base64')),
      branch: location.branch,
      ...(read.kind === 'file' ? { sha: read.sha } : {})
    })
    return 'written'
  } catch (error) {
    // 409: the sha no longer matches; 422: the file appeared since (no sha was sent). Or a refusal with the same codes.
    if (error instanceof GitHubError && (error.status === 409 || error.status === 422)) {
      return error
    }
    throw error
  }
}

/** Creates the branch with one orphan commit holding the history file; the refusal when it was not created. */
async function createBranch(github: GitHubApi, location: BranchLocation, line: Buffer, message: string): Promise<'written' | GitHubError> {
  const repository = github.repositoryPath
  const tree = await github.request('POST', `${repository}/git/trees`, {
    tree: [{ path: location.path, mode: '100644', type: 'blob', content: line.toString('utf8') }]
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
    return 'written'
  } catch (error) {
    if (error instanceof GitHubError && (error.status === 409 || error.status === 422)) {
      return error
    }
    throw error
  }
}
