/**
 * Files the action reads and writes in the workspace (history-file, badge-file). A pull request can
 * change what is in the workspace, so a path may point anywhere and a file may be anything: a
 * symlink to a file outside, a FIFO that never ends, /dev/zero. Here:
 * - a path must stay inside GITHUB_WORKSPACE, after symlinks in its folders are resolved;
 * - the file itself is never followed if it is a symlink (O_NOFOLLOW), and only a regular file is read;
 * - a read takes at most {@link MAX_READ_BYTES}: past that, only the newest part (the end) is read.
 */
import { constants } from 'node:fs'
import { mkdir, open, realpath, type FileHandle } from 'node:fs/promises'
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path'
import { ConfigurationError, errorCode } from '../errors.js'

/**
 * 16 MiB: about 100,000 readings, 270 years of daily runs. Larger, the file is surely not a history
 * the action wrote, and reading it whole would cost the runner's memory and time for nothing.
 */
export const MAX_READ_BYTES = 16 * 1024 * 1024

/** Why a workspace file could not be used: the path or the file is the user's to fix. */
export class WorkspaceFileError extends ConfigurationError {
  override name = 'WorkspaceFileError'
}

/** Where a path input points, if it stays inside the workspace; undefined when it does not. */
export function insideWorkspace(value: string, workspace: string): string | undefined {
  const path = isAbsolute(value) ? resolve(value) : resolve(workspace, value)
  return isWithin(resolve(workspace), path) ? path : undefined
}

function isWithin(folder: string, path: string): boolean {
  const relation = relative(folder, path)
  return relation === '' || (!relation.startsWith(`..${sep}`) && relation !== '..' && !isAbsolute(relation))
}

export type ReadResult = { kind: 'missing' } | { kind: 'read'; bytes: Buffer; skippedBytes: number }

/** Reads a regular file of the workspace, its last {@link MAX_READ_BYTES} at most. */
export async function readWorkspaceFile(path: string, workspace: string): Promise<ReadResult> {
  await checkFolder(path, workspace, false)
  let handle: FileHandle
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch (error) {
    if (errorCode(error) === 'ENOENT') {
      return { kind: 'missing' }
    }
    throw refusal(path, error)
  }
  try {
    const stats = await handle.stat()
    if (!stats.isFile()) {
      throw new WorkspaceFileError(`${path} is not a regular file`)
    }
    const length = Math.min(stats.size, MAX_READ_BYTES)
    const skippedBytes = stats.size - length
    const buffer = Buffer.alloc(length)
    let filled = 0
    while (filled < length) {
      const { bytesRead } = await handle.read(buffer, filled, length - filled, skippedBytes + filled)
      if (bytesRead === 0) break
      filled += bytesRead
    }
    return { kind: 'read', bytes: buffer.subarray(0, filled), skippedBytes }
  } finally {
    await handle.close()
  }
}

/** Appends to a regular file of the workspace, creating it and its folders if missing. */
export async function appendWorkspaceFile(path: string, workspace: string, text: string): Promise<void> {
  await writeThroughHandle(path, workspace, constants.O_APPEND, text)
}

/** Replaces the content of a regular file of the workspace, creating it and its folders if missing. */
export async function writeWorkspaceFile(path: string, workspace: string, text: string): Promise<void> {
  await writeThroughHandle(path, workspace, constants.O_TRUNC, text)
}

async function writeThroughHandle(path: string, workspace: string, mode: number, text: string): Promise<void> {
  await checkFolder(path, workspace, true)
  let handle: FileHandle
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK | mode, 0o644)
  } catch (error) {
    throw refusal(path, error)
  }
  try {
    if (!(await handle.stat()).isFile()) {
      throw new WorkspaceFileError(`${path} is not a regular file`)
    }
    await handle.writeFile(text, 'utf8')
  } finally {
    await handle.close()
  }
}

/**
 * The folder of `path` must resolve, symlinks and all, inside the workspace. With `create`, missing
 * folders are made, but only below the deepest existing one, which is checked first.
 */
async function checkFolder(path: string, workspace: string, create: boolean): Promise<void> {
  const root = await realpath(workspace).catch(() => resolve(workspace))
  const folder = dirname(path)
  let existing = folder
  while (!(await exists(existing)) && dirname(existing) !== existing) {
    existing = dirname(existing)
  }
  const resolved = await realpath(existing)
  if (!isWithin(root, resolved)) {
    throw new WorkspaceFileError(
      `${path} is outside the workspace (${workspace}) once symlinks are resolved (its folder leads to ${resolved})`
    )
  }
  if (create && existing !== folder) {
    await mkdir(folder, { recursive: true })
    if (!isWithin(root, await realpath(folder))) {
      throw new WorkspaceFileError(`${path} is outside the workspace (${workspace}) once symlinks are resolved`)
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await realpath(path)
    return true
  } catch {
    return false
  }
}

function refusal(path: string, error: unknown): WorkspaceFileError {
  const code = errorCode(error)
  if (code === 'ELOOP') {
    return new WorkspaceFileError(`${path} is a symbolic link; the action does not follow links for files it reads or writes`)
  }
  return new WorkspaceFileError(`${path}: ${error instanceof Error ? error.message : String(error)}`)
}
