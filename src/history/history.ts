/**
 * The API keeps no history and its `time` is the time of the call, so trends come from the action's
 * own record: one JSON object per line, one line per run, only ever appended to. Everything here is
 * pure; where the lines are kept is ./file-store.ts's business.
 */
import type { DefenderReadings } from '../defender/answers.js'
import { isIsoDateTime, isRecord, parseJson } from '../json.js'

export interface HistoryEntry {
  time: string
  score: number
  exposure: number | null
  tenant: string
  apiHost: string
}

export interface HistoryFile {
  entries: HistoryEntry[]
  /** Lines that are not readings; kept in the file untouched, but not used. */
  unreadableLines: number
  /** Whether an append must start with a newline so as not to glue onto the last line. */
  needsNewline: boolean
}

export interface HistoryView {
  /** The newest earlier reading of the same tenant, by time. */
  previous: HistoryEntry | undefined
  /** The last readings of the same tenant by time, oldest first, ending with this run's. */
  recent: HistoryEntry[]
  /** Readings of the same tenant dated after this run's (by more than clock skew): left out. */
  futureDated: number
}

/** A reading dated this much after the current one is taken as clock skew, not as the future. */
const CLOCK_SKEW_MS = 5 * 60 * 1000
const BYTE_ORDER_MARK = '\uFEFF'

/** This run's reading, as a line of the history. */
export function historyEntryOf(readings: DefenderReadings, tenant: string, apiHost: string): HistoryEntry {
  return { time: readings.score.time, score: readings.score.score, exposure: readings.exposure?.score ?? null, tenant, apiHost }
}

/**
 * Reads JSON Lines. `partialStart`: the text is the end of a longer file, so its first line may be
 * cut and is skipped.
 */
export function parseHistory(text: string, partialStart = false): HistoryFile {
  const entries: HistoryEntry[] = []
  let unreadableLines = 0
  const lines = (text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text).split('\n')
  for (const line of partialStart ? lines.slice(1) : lines) {
    if (line.trim() === '') {
      continue
    }
    const entry = toEntry(line)
    if (entry) {
      entries.push(entry)
    } else {
      unreadableLines++
    }
  }
  return { entries, unreadableLines, needsNewline: text.length > 0 && !text.endsWith('\n') }
}

function toEntry(line: string): HistoryEntry | undefined {
  const value = parseJson(line)
  if (!isRecord(value)) {
    return undefined
  }
  const { time, score, exposure, tenant, apiHost } = value
  const validExposure = exposure === null || exposure === undefined || (typeof exposure === 'number' && Number.isFinite(exposure))
  if (!isIsoDateTime(time) || typeof score !== 'number' || !Number.isFinite(score) || score < 0 || !validExposure) {
    return undefined
  }
  return {
    time,
    score,
    exposure: typeof exposure === 'number' ? exposure : null,
    tenant: typeof tenant === 'string' ? tenant : '',
    apiHost: typeof apiHost === 'string' ? apiHost : ''
  }
}

/** Tenant IDs and domain names are case-insensitive: Contoso.onmicrosoft.com is contoso.onmicrosoft.com. */
export function sameTenant(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

/** The same tenant's earlier readings, in time order, as the summary and the max-drop check see them. */
export function viewHistory(entries: HistoryEntry[], current: HistoryEntry, keep: number): HistoryView {
  const now = Date.parse(current.time)
  const tenant = entries.filter(entry => sameTenant(entry.tenant, current.tenant))
  const earlier = tenant
    .filter(entry => Date.parse(entry.time) <= now + CLOCK_SKEW_MS)
    .map((entry, index) => ({ entry, index, at: Date.parse(entry.time) }))
    // Equal times keep file order, so the later line is the later reading.
    .sort((a, b) => a.at - b.at || a.index - b.index)
    .map(({ entry }) => entry)
  return {
    previous: earlier.at(-1),
    recent: [...earlier.slice(-(keep - 1)), current],
    futureDated: tenant.length - earlier.length
  }
}

/** The line to append for a reading. */
export function historyLine(entry: HistoryEntry, needsNewline: boolean): string {
  return `${needsNewline ? '\n' : ''}${JSON.stringify(entry)}\n`
}
