/** The history kept in a file of the workspace (history-file): read, then appended to. */
import * as core from '@actions/core'
import { failureMessage } from '../errors.js'
import { appendHistory, loadHistory, type HistoryEntry, type HistoryFile } from './history.js'

/**
 * Reads the earlier readings and appends this one. A file it cannot read is left alone (a warning),
 * so a history is never replaced by less than it held. Returns the earlier readings, or undefined.
 */
export async function recordInFile(path: string, current: HistoryEntry): Promise<HistoryFile | undefined> {
  const loaded = await loadHistory(path)
  if (loaded.kind === 'unreadable') {
    core.warning(`history-file could not be read (${loaded.reason}); it is left untouched and this reading is not added.`)
    return undefined
  }
  const { file } = loaded
  if (file.unreadableLines > 0) {
    core.warning(
      `history-file has ${file.unreadableLines} line(s) that are not readings; they are kept as they are and left out of the trend.`
    )
  }
  try {
    await appendHistory(path, current, file.needsNewline)
  } catch (error) {
    core.warning(`history-file could not be written (${failureMessage(error)}); this reading is not recorded.`)
  }
  return file
}
