/** The history kept in a file of the workspace (history-file): read (its end, at most), then appended to. */
import { failureMessage } from '../errors.js'
import { appendWorkspaceFile, MAX_READ_BYTES, readWorkspaceFile } from '../files/workspace.js'
import { warning } from '../log.js'
import { historyLines, parseHistory, unreadableLinesWarning, type EarlierReadings, type HistoryEntry, type HistoryFile } from './history.js'

/**
 * Reads the earlier readings and appends this run's (`build` makes them from the earlier ones), one line per tenant, in one write. A file it cannot read is left alone, so a history
 * is never replaced by less than it held, and the reason is returned: a check that needs the history
 * then cannot be evaluated.
 */
export async function recordInFile(
  path: string,
  workspace: string,
  build: (earlier: HistoryEntry[]) => HistoryEntry[]
): Promise<EarlierReadings> {
  let file: HistoryFile
  try {
    const read = await readWorkspaceFile(path, workspace)
    file = read.kind === 'missing' ? parseHistory('') : parseHistory(read.bytes, read.skippedBytes > 0)
    if (read.kind === 'read' && read.skippedBytes > 0) {
      warning(
        `history-file is larger than the ${MAX_READ_BYTES / 1024 / 1024} MiB the action reads; only its newest ` +
          `${MAX_READ_BYTES / 1024 / 1024} MiB were read (max-drop and the trend still use the latest readings). ` +
          'Move older lines to an archive file to keep it small.'
      )
    }
  } catch (error) {
    const reason = `history-file could not be read (${failureMessage(error)})`
    warning(`${reason}; it is left untouched and this reading is not added.`)
    return { kind: 'unavailable', reason }
  }
  if (file.unreadableLines > 0) {
    warning(unreadableLinesWarning('history-file', file.unreadableLines))
  }
  try {
    await appendWorkspaceFile(path, workspace, historyLines(build(file.entries), file.needsNewline))
  } catch (error) {
    warning(`history-file could not be written (${failureMessage(error)}); this reading is not recorded.`)
  }
  return { kind: 'read', file }
}
