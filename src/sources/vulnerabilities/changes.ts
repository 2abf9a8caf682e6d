/**
 * What became exploitable, and what stopped being, since the previous reading: from the IDs each
 * history line keeps. Pure.
 */
import { createHash } from 'node:crypto'
import { isIsoDateTime, isRecord } from '../../json.js'
import type { VulnerabilityAge } from './age.js'
import { fixFirst, SEVERITIES, type ExploitableVulnerability, type Severity } from './answers.js'

/**
 * IDs a history line keeps at most: about 17 bytes each (`"CVE-2024-12345",`), so a line stays
 * under 45 KB however many vulnerabilities are exploitable. Past it, the next run cannot tell which
 * are new, and says so.
 */
export const MAX_RECORDED_IDS = 2500

/** Items a history line dates at most (about 60 bytes each): past it, the next run dates them by the line's own time. */
export const MAX_FIRST_SEEN = 100

/** What a history line records of a tenant's exploitable vulnerabilities. */
export interface VulnerabilityRecord {
  severity: Severity
  count: number
  /** Their IDs as {@link recordedId} writes them, at most {@link MAX_RECORDED_IDS}, what a responder fixes first first. */
  ids: string[]
  /** When this action first listed those without Defender's firstDetected, by ID (./age.ts). */
  firstSeen?: Record<string, string>
}

/** An earlier reading's record, as the history gives it: null when the line has one that cannot be read. */
export interface EarlierVulnerabilities {
  time: string
  record: VulnerabilityRecord | null
}

/** Where the comparison stands. */
export type VulnerabilityChanges =
  /** No history is kept: nothing to compare with. */
  | { kind: 'untracked' }
  | { kind: 'compared'; since: string; added: string[]; removed: string[] }
  /** No earlier reading to compare with: this one is the first (of this severity). */
  | { kind: 'first'; note: string }
  /** An earlier reading exists but the comparison cannot be made. */
  | { kind: 'unknown'; reason: string }

/** The previous reading as the history gives it, or why it cannot be had. */
export type PreviousVulnerabilities =
  | { kind: 'none' }
  | { kind: 'unavailable'; reason: string }
  | { kind: 'read'; previous: EarlierVulnerabilities | undefined }

/**
 * An ID as a history line keeps it: a CVE-like ID as it is, anything else (long, or with characters
 * an ID does not have) as a digest, so that no API text is written into the history.
 */
export function recordedId(id: string): string {
  return RECORDED_ID.test(id) ? id.toUpperCase() : `sha256:${createHash('sha256').update(id).digest('hex').slice(0, 32)}`
}

/** What a history line's ID may look like: ID-shaped (a digest, `sha256:` and 32 hex digits, is too). */
const RECORDED_ID = /^[A-Za-z0-9._:-]{1,64}$/

/**
 * The record of every exploitable vulnerability present, counted or not (under an exception in
 * Defender, or accepted), so that an item that leaves the count without being fixed is never "fixed".
 */
export function vulnerabilityRecord(
  severity: Severity,
  present: ExploitableVulnerability[],
  firstSeen?: Record<string, string>
): VulnerabilityRecord {
  const ordered = [...present].sort(fixFirst)
  return {
    severity,
    count: ordered.length,
    ids: ordered.slice(0, MAX_RECORDED_IDS).map(item => recordedId(item.id)),
    ...(firstSeen === undefined ? {} : { firstSeen })
  }
}

/** A record read from a history line (hostile: anyone with write access can edit the file); null when it is not one. */
export function readVulnerabilityRecord(value: unknown): VulnerabilityRecord | null {
  if (!isRecord(value)) {
    return null
  }
  const { severity, count, ids } = value
  const firstSeen = readFirstSeen(value['firstSeen'])
  const valid =
    firstSeen !== null &&
    SEVERITIES.some(known => known === severity) &&
    typeof count === 'number' &&
    Number.isInteger(count) &&
    count >= 0 &&
    Array.isArray(ids) &&
    ids.length <= Math.min(count, MAX_RECORDED_IDS) &&
    ids.every(id => typeof id === 'string' && RECORDED_ID.test(id))
  return valid ? { severity: severity as Severity, count, ids: ids as string[], ...(firstSeen === undefined ? {} : { firstSeen }) } : null
}

/**
 * The changes between `previous` and this reading at `severity`: new are those `counted` that it did
 * not have; no longer exploitable, those it had that are not `present` at all (counted or not).
 */
export function compareVulnerabilities(
  severity: Severity,
  counted: ExploitableVulnerability[],
  present: ExploitableVulnerability[],
  history: PreviousVulnerabilities
): VulnerabilityChanges {
  if (history.kind === 'none') {
    return { kind: 'untracked' }
  }
  if (history.kind === 'unavailable') {
    return { kind: 'unknown', reason: history.reason }
  }
  const { previous } = history
  if (previous === undefined) {
    return {
      kind: 'first',
      note: 'the history holds no earlier vulnerability reading of this tenant; new ones are counted from the next run on'
    }
  }
  const { record, time } = previous
  if (record === null) {
    return { kind: 'unknown', reason: `the vulnerability record of the previous reading (${time}) in the history is not readable` }
  }
  if (record.severity !== severity) {
    return {
      kind: 'first',
      note:
        `the previous reading (${time}) counted ${record.severity} and above, not ${severity} and above; ` +
        'new ones are counted from the next run on'
    }
  }
  if (record.ids.length < record.count) {
    return {
      kind: 'unknown',
      reason:
        `the previous reading (${time}) had ${record.count} exploitable vulnerabilities, more than the ${MAX_RECORDED_IDS} ` +
        'whose IDs a history line keeps, so which are new cannot be told'
    }
  }
  const before = new Set(record.ids)
  const now = new Set(present.map(item => recordedId(item.id)))
  return {
    kind: 'compared',
    since: time,
    added: counted.map(item => recordedId(item.id)).filter(id => !before.has(id)),
    removed: record.ids.filter(id => !now.has(id))
  }
}

/** A tenant's exploitable vulnerabilities as the report shows them, or why they could not be read (a check needed them). */
export type VulnerabilityReport =
  | {
      kind: 'read'
      severity: Severity
      count: number
      /** The first of them in the order a responder fixes them, as many as `vulnerabilities` asks. */
      listed: ExploitableVulnerability[]
      /** The newly exploitable ones among all of them (not only those listed), in the same order. */
      added: ExploitableVulnerability[]
      changes: VulnerabilityChanges
      /** Left out of the count: under an exception in Defender. */
      underException: number
      /** Left out of the count: accepted in the accepted-risks file. */
      accepted: number
      /** How long each counted one has been on the devices, by ID as the API gives it. */
      ages: Map<string, VulnerabilityAge>
    }
  | { kind: 'unavailable'; severity: Severity; reason: string }

/** A line's `firstSeen` read back (hostile): undefined when absent, null when it is not a map of recorded IDs to times. */
export function readFirstSeen(value: unknown): Record<string, string> | undefined | null {
  if (value === undefined) {
    return undefined
  }
  if (!isRecord(value) || Object.keys(value).length > MAX_FIRST_SEEN) {
    return null
  }
  const valid = Object.entries(value).every(([id, time]) => /^[A-Za-z0-9._:-]{1,64}$/.test(id) && isIsoDateTime(time))
  return valid ? (value as Record<string, string>) : null
}
