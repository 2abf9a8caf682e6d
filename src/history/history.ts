/**
 * The API keeps no history and its `time` is the time of the call, so trends come from the action's
 * own record: one JSON object per line, one line per run, only ever appended to. Everything here is
 * pure; where the lines are kept is ./file-store.ts's business.
 */
import { HISTORY_RECORDS, type SourceHistoryFields } from '../sources/history-records.js'
import type { DefenderReadings, SourceId } from '../sources/registry.js'
import type { HistoryRecord as SourceRecord } from '../sources/history-record.js'
import type { DeviceCounts } from '../sources/devices/history.js'
import { isIsoDateTime, isRecord, parseJson } from '../json.js'
import { redactedJson } from '../secrets.js'
import type { EarlierRecommendations } from '../sources/recommendations/changes.js'
import { firstSeenTimes, recordedFirstSeen } from '../sources/vulnerabilities/age.js'
import type { EarlierVulnerabilities } from '../sources/vulnerabilities/changes.js'

/** A line: the reading's own fields, and what each source's record keeps (../sources/registry.ts, HISTORY_RECORDS). */
export interface HistoryEntry extends SourceHistoryFields {
  time: string
  score: number
  exposure: number | null
  tenant: string
  /**
   * The directory ID of the tenant (its token's tid), in lower case: the key that finds its earlier
   * readings however tenant-id spelt it then. Absent from lines written before it existed, and when
   * the token named no directory.
   */
  directory?: string
  apiHost: string
  /**
   * Which run wrote the line (GitHub's run ID and attempt, and a random part): a run that finds its
   * own line (its write landed, but the answer was lost) neither writes it again nor takes it for
   * the previous reading. Absent from lines written before it existed.
   */
  run?: string
}

/** Every source's record, as the history writes and reads it without knowing the source. */
const RECORDS = Object.entries(HISTORY_RECORDS) as Array<[SourceId, SourceRecord<unknown, Record<string, unknown>>]>
/** Fields only a tenant's newest line keeps. */
const NEWEST_ONLY = RECORDS.flatMap(([, record]) => record.newestOnly)

export interface HistoryFile {
  entries: HistoryEntry[]
  /** Lines that are not readings; kept in the file untouched, but not used. */
  unreadableLines: number
  /** Whether an append must start with a newline so as not to glue onto the last line. */
  needsNewline: boolean
}

/** What a store gives back: the earlier readings, or why they could not be read (a check that needs them then fails). */
export type EarlierReadings = { kind: 'read'; file: HistoryFile } | { kind: 'unavailable'; reason: string }

/** The history as a run sees it: none kept, kept but unreadable (a check that needs it fails), or read. */
export type HistoryRecord = { kind: 'none' } | { kind: 'unavailable'; reason: string } | { kind: 'read'; view: HistoryView }

export interface HistoryView {
  /** The newest earlier reading of the same tenant, by time. */
  previous: HistoryEntry | undefined
  /** The last readings of the same tenant by time, oldest first, ending with this run's. */
  recent: HistoryEntry[]
  /** Readings of the same tenant dated after this run's (by more than clock skew): left out. */
  futureDated: number
  /** The newest earlier reading of the same tenant that recorded its exploitable vulnerabilities. */
  previousVulnerabilities: EarlierVulnerabilities | undefined
  /** The newest earlier reading of the same tenant that counted its devices (null counts: unreadable). */
  previousDevices: { time: string; counts: DeviceCounts | null } | undefined
  /** The previous reading's score and record of its recommendations, what a score change is explained against. */
  previousRecommendations: EarlierRecommendations | undefined
  /** The newest earlier reading of the same tenant at least {@link STALE_AFTER_DAYS} days older than this one. */
  weekEarlier: HistoryEntry | undefined
}

/** Readings this many days apart that are identical may be one computation reported twice. */
export const STALE_AFTER_DAYS = 7

/** A reading dated this much after the current one is taken as clock skew, not as the future. */
const CLOCK_SKEW_MS = 5 * 60 * 1000
const BYTE_ORDER_MARK = Buffer.from([0xef, 0xbb, 0xbf])

/** This run's reading, as a line of the history. */
export function historyEntryOf(
  readings: DefenderReadings,
  tenant: string,
  directory: string | undefined,
  apiHost: string,
  run: string
): HistoryEntry {
  return {
    time: readings.score.time,
    score: readings.score.score,
    exposure: readings.exposure?.score ?? null,
    tenant,
    ...(directory === undefined ? {} : { directory }),
    apiHost,
    run,
    ...Object.assign({}, ...RECORDS.map(([id, record]) => (readings[id] === undefined ? {} : record.write(readings[id]))))
  }
}

/**
 * This run's line as written, made from the tenant's view of the earlier lines (`view`): the exploitable vulnerabilities without
 * Defender's firstDetected carry when this action first listed them (../sources/vulnerabilities/age.ts),
 * and the line is kept within {@link MAX_LINE_BYTES}.
 */
export function datedEntry(entry: HistoryEntry, readings: DefenderReadings, view: HistoryView): HistoryEntry {
  const { vulnerabilities } = readings
  if (vulnerabilities?.kind !== 'read' || !entry.vulnerabilities) {
    return boundedEntry(entry)
  }
  const present = [...vulnerabilities.exploitable, ...vulnerabilities.underException, ...vulnerabilities.accepted]
  const previous = { kind: 'read' as const, previous: view.previousVulnerabilities }
  const firstSeen = recordedFirstSeen(present, firstSeenTimes(present, vulnerabilities.severity, previous, entry.time))
  return boundedEntry(firstSeen ? { ...entry, vulnerabilities: { ...entry.vulnerabilities, firstSeen } } : entry)
}

/**
 * The most a line holds, in bytes: a tool that reads the history line by line (jq, a log shipper)
 * need not take more, and a run's read stays proportional to its tenants.
 */
export const MAX_LINE_BYTES = 64 * 1024

/**
 * A line within {@link MAX_LINE_BYTES}: past it, the vulnerability IDs are cut (their count stays, so
 * the next run knows it cannot tell which are new, and says so) until it fits.
 */
function boundedEntry(entry: HistoryEntry): HistoryEntry {
  let bounded = entry
  while (
    Buffer.byteLength(redactedJson(bounded), 'utf8') > MAX_LINE_BYTES &&
    bounded.vulnerabilities &&
    bounded.vulnerabilities.ids.length > 0
  ) {
    const { firstSeen: _dates, ...record } = bounded.vulnerabilities
    bounded = { ...bounded, vulnerabilities: { ...record, ids: record.ids.slice(0, Math.floor(record.ids.length / 2)) } }
  }
  return bounded
}

/**
 * Reads JSON Lines, as bytes: a line that is not valid UTF-8 is unreadable (counted, and kept byte
 * for byte by whoever rewrites the file). `partialStart`: the bytes are the end of a longer file, so
 * the first line may be cut and is skipped.
 */
export function parseHistory(content: Buffer | string, partialStart = false): HistoryFile {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
  const entries: HistoryEntry[] = []
  let unreadableLines = 0
  const lines = splitLines(bytes.subarray(0, 3).equals(BYTE_ORDER_MARK) ? bytes.subarray(3) : bytes)
  for (const line of partialStart ? lines.slice(1) : lines) {
    const text = decodeUtf8(line)
    if (text?.trim() === '') {
      continue
    }
    const entry = text === undefined ? undefined : toEntry(text)
    if (entry) {
      entries.push(entry)
    } else {
      unreadableLines++
    }
  }
  return { entries, unreadableLines, needsNewline: bytes.length > 0 && bytes[bytes.length - 1] !== NEWLINE }
}

/** The warning for lines that are not readings, the same for every store. */
export function unreadableLinesWarning(where: string, count: number): string {
  return `${where} has ${count} line(s) that are not readings; they are kept as they are and left out of the trend.`
}

const NEWLINE = 0x0a

function splitLines(bytes: Buffer): Buffer[] {
  const lines: Buffer[] = []
  let start = 0
  for (let end = bytes.indexOf(NEWLINE); end >= 0; end = bytes.indexOf(NEWLINE, start)) {
    lines.push(bytes.subarray(start, end))
    start = end + 1
  }
  lines.push(bytes.subarray(start))
  return lines
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

function decodeUtf8(bytes: Buffer): string | undefined {
  try {
    return STRICT_UTF8.decode(bytes)
  } catch {
    return undefined
  }
}

function toEntry(line: string): HistoryEntry | undefined {
  const value = parseJson(line)
  if (!isRecord(value)) {
    return undefined
  }
  const { time, score, exposure, tenant, directory, apiHost, run } = value
  const validExposure = exposure === null || exposure === undefined || (typeof exposure === 'number' && Number.isFinite(exposure))
  const validDirectory = directory === undefined || (typeof directory === 'string' && DIRECTORY_ID.test(directory))
  if (!isIsoDateTime(time) || typeof score !== 'number' || !Number.isFinite(score) || score < 0 || !validExposure || !validDirectory) {
    return undefined
  }
  return {
    time,
    score,
    exposure: typeof exposure === 'number' ? exposure : null,
    tenant: typeof tenant === 'string' ? tenant : '',
    ...(typeof directory === 'string' ? { directory } : {}),
    apiHost: typeof apiHost === 'string' ? apiHost : '',
    ...(typeof run === 'string' ? { run } : {}),
    ...Object.assign({}, ...RECORDS.map(([, record]) => record.read(value)))
  }
}

/** Tenant IDs and domain names are case-insensitive: Contoso.onmicrosoft.com is contoso.onmicrosoft.com. */
export function sameTenant(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

/** A directory ID as a line records it: a GUID in lower case. */
const DIRECTORY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/**
 * Which lines are readings of `current`'s tenant: with its directory known, a line of that directory
 * whatever its spelling, and a line without one (written before lines had it) under any spelling a
 * line of that directory used, or the directory ID itself; without it, the same spelling.
 */
function ofSameTenant(entries: HistoryEntry[], current: HistoryEntry): (entry: HistoryEntry) => boolean {
  const { directory } = current
  if (directory === undefined) {
    return entry => sameTenant(entry.tenant, current.tenant)
  }
  const spellings = new Set([current.tenant.toLowerCase(), directory])
  for (const entry of entries) {
    if (entry.directory === directory) spellings.add(entry.tenant.toLowerCase())
  }
  return entry => (entry.directory === undefined ? spellings.has(entry.tenant.toLowerCase()) : entry.directory === directory)
}

/** The same tenant's earlier readings, in time order, as the summary and the max-drop check see them. */
export function viewHistory(entries: HistoryEntry[], current: HistoryEntry, keep: number): HistoryView {
  const now = Date.parse(current.time)
  const same = ofSameTenant(entries, current)
  const tenant = entries.filter(entry => same(entry) && !isSameRun(entry, current))
  const earlier = tenant
    .filter(entry => Date.parse(entry.time) <= now + CLOCK_SKEW_MS)
    .map((entry, index) => ({ entry, index, at: Date.parse(entry.time) }))
    // Equal times keep file order, so the later line is the later reading.
    .sort((a, b) => a.at - b.at || a.index - b.index)
    .map(({ entry }) => entry)
  const withVulnerabilities = earlier.findLast(entry => entry.vulnerabilities !== undefined)
  const withDevices = earlier.findLast(entry => entry.devices !== undefined)
  const previous = earlier.at(-1)
  return {
    previous,
    recent: [...earlier.slice(-(keep - 1)), current],
    futureDated: tenant.length - earlier.length,
    previousVulnerabilities: withVulnerabilities && {
      time: withVulnerabilities.time,
      record: withVulnerabilities.vulnerabilities ?? null
    },
    previousDevices: withDevices && { time: withDevices.time, counts: withDevices.devices ?? null },
    previousRecommendations: previous && { time: previous.time, score: previous.score, record: previous.recommendations },
    weekEarlier: earlier.findLast(entry => Date.parse(entry.time) <= now - STALE_AFTER_DAYS * DAY_MS)
  }
}

const DAY_MS = 24 * 60 * 60 * 1000

/** Whether `entry` is the line `current`'s own run wrote (its write landed though its answer was lost). */
export function isSameRun(entry: HistoryEntry, current: HistoryEntry): boolean {
  return entry.run !== undefined && entry.run === current.run
}

/**
 * The most a history on a branch holds after a run writes it, under the {@link MAX_READ_BYTES} a run
 * reads, with room for one run's lines: with 200 tenants at 2,500 vulnerability IDs each, 9 MB.
 */
export const BRANCH_HISTORY_BYTES = 15 * 1024 * 1024

/**
 * The history a branch holds after this run: bounded by design, since the whole file is written
 * each time (older versions stay in the branch's git history).
 * - Only the newest reading of a tenant keeps its vulnerability IDs and its recommendations: an
 *   earlier line of a tenant this run records loses its `vulnerabilities` and `recommendations`
 *   records (the next run compares with this one).
 * - Past `budget` bytes, the oldest lines go, whatever they are, but never a tenant's newest reading.
 * Lines left as they are stay byte for byte.
 */
export function nextBranchHistory(bytes: Buffer, current: HistoryEntry[], budget = BRANCH_HISTORY_BYTES): Buffer {
  const lines = splitLines(bytes)
  if (lines.at(-1)?.length === 0) {
    lines.pop()
  }
  const read = lines.map(line => {
    const text = decodeUtf8(line)
    return text === undefined ? undefined : toEntry(text)
  })
  const entries = read.filter((entry): entry is HistoryEntry => entry !== undefined)
  const recorded = current.map(entry => ofSameTenant(entries, entry))
  const kept = lines.map((line, index) => {
    const entry = read[index]
    if (entry === undefined || !NEWEST_ONLY.some(field => field in entry) || !recorded.some(same => same(entry))) {
      return line
    }
    const rest: Record<string, unknown> = { ...entry }
    for (const field of NEWEST_ONLY) delete rest[field]
    return Buffer.from(redactedJson(rest), 'utf8')
  })
  const appended = current.map(entry => Buffer.from(redactedJson(entry), 'utf8'))
  let size = [...kept, ...appended].reduce((total, line) => total + line.length + 1, 0)
  if (size > budget) {
    const newest = new Map<string, number>()
    for (const [index, entry] of read.entries()) {
      if (entry) newest.set(entry.directory ?? entry.tenant.toLowerCase(), index)
    }
    for (const entry of current) newest.delete(entry.directory ?? entry.tenant.toLowerCase())
    const keep = new Set(newest.values())
    for (let index = 0; index < kept.length && size > budget; index++) {
      if (!keep.has(index)) {
        size -= (kept[index]?.length ?? 0) + 1
        kept[index] = DROPPED
      }
    }
  }
  return Buffer.concat([...kept, ...appended].filter(line => line !== DROPPED).flatMap(line => [line, NEWLINE_BYTE]))
}

const DROPPED = Buffer.alloc(0)
const NEWLINE_BYTE = Buffer.from('\n')

/** The lines to append for a run's readings, one per tenant. */
export function historyLines(entries: HistoryEntry[], needsNewline: boolean): string {
  return `${needsNewline ? '\n' : ''}${entries.map(entry => `${redactedJson(entry)}\n`).join('')}`
}
