import { appendFile, mkdir, readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { errorCode } from '../errors.js'
import type { DefenderReadings } from '../defender/api.js'
import { isRecord } from '../json.js'

/**
 * The API keeps no history and its `time` is the time of the call, so trends come from the action's
 * own record: one JSON object per line, one line per run, only ever appended to.
 */
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
  /** The latest earlier reading of the same tenant. */
  previous: HistoryEntry | undefined
  /** The last readings of the same tenant, oldest first, ending with this run's. */
  recent: HistoryEntry[]
}

/** This run's reading, as a line of the history. */
export function historyEntryOf(readings: DefenderReadings, tenant: string, apiHost: string): HistoryEntry {
  return { time: readings.score.time, score: readings.score.score, exposure: readings.exposure?.score ?? null, tenant, apiHost }
}

export type LoadedHistory = { kind: 'loaded'; file: HistoryFile } | { kind: 'unreadable'; reason: string }

export function parseHistory(text: string): HistoryFile {
  const entries: HistoryEntry[] = []
  let unreadableLines = 0
  for (const line of text.split('\n')) {
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
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return undefined
  }
  if (!isRecord(value)) {
    return undefined
  }
  const { time, score, exposure, tenant, apiHost } = value
  const validExposure = exposure === null || exposure === undefined || (typeof exposure === 'number' && Number.isFinite(exposure))
  if (typeof time !== 'string' || typeof score !== 'number' || !Number.isFinite(score) || !validExposure) {
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

/** The same tenant's earlier readings, as the summary and the max-drop check see them. */
export function viewHistory(entries: HistoryEntry[], current: HistoryEntry, keep: number): HistoryView {
  const sameTenant = entries.filter(entry => entry.tenant === current.tenant)
  return {
    previous: sameTenant.at(-1),
    recent: [...sameTenant.slice(-(keep - 1)), current]
  }
}

export async function loadHistory(path: string): Promise<LoadedHistory> {
  try {
    return { kind: 'loaded', file: parseHistory(await readFile(path, 'utf8')) }
  } catch (error) {
    if (errorCode(error) === 'ENOENT') {
      return { kind: 'loaded', file: { entries: [], unreadableLines: 0, needsNewline: false } }
    }
    return { kind: 'unreadable', reason: error instanceof Error ? error.message : String(error) }
  }
}

/** Appends, never rewrites: whatever the file held, corrupt lines included, stays. */
export async function appendHistory(path: string, entry: HistoryEntry, needsNewline: boolean): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await appendFile(path, `${needsNewline ? '\n' : ''}${JSON.stringify(entry)}\n`, 'utf8')
}
