/**
 * The runner's event payload (GITHUB_EVENT_PATH): what GitHub says about the event that started the
 * run. Read once per need, bounded, and never trusted for more than its shape.
 * https://docs.github.com/actions/reference/workflows-and-actions/events-that-trigger-workflows
 */
import { readFile, stat } from 'node:fs/promises'
import { parseJson } from '../json.js'

/** The runner's event payload is small; a larger file is not one. */
const MAX_EVENT_BYTES = 16 * 1024 * 1024

/** Events whose workspace holds a pull request's merge commit: written by the pull request's author. */
export const PULL_REQUEST_EVENTS: readonly string[] = ['pull_request', 'pull_request_target']

/** The payload as JSON; undefined when there is none, it is too large, or it is not JSON. */
export async function readEventPayload(eventPath: string): Promise<unknown> {
  if (!eventPath) {
    return undefined
  }
  try {
    if ((await stat(eventPath)).size > MAX_EVENT_BYTES) {
      return undefined
    }
    return parseJson(await readFile(eventPath, 'utf8'))
  } catch {
    return undefined
  }
}
