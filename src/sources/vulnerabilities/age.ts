/**
 * How long each exploitable vulnerability has been on the tenant's devices: from Defender's
 * `firstDetected`, or, when an item has none, from the action's own history (the first earlier
 * reading that listed it, carried from line to line). An item neither dates is undated: a check on
 * age cannot be evaluated for it, and says so (it is never taken for new). Pure.
 */
import { fixFirst, type ExploitableVulnerability, type Severity } from './answers.js'
import { MAX_FIRST_SEEN, recordedId, type PreviousVulnerabilities } from './changes.js'

const DAY_MS = 24 * 60 * 60 * 1000

/** An exploitable vulnerability's age, or why it has none. */
export interface VulnerabilityAge {
  id: string
  /** When it was first seen: Defender's firstDetected, or the first reading of this action that listed it. */
  since: string | undefined
  from: 'defender' | 'history' | undefined
  /** Whole days from `since` to the reading. */
  ageDays: number | undefined
}

/**
 * When this action first listed each item without a firstDetected, by recorded ID: the previous
 * record's date for it; that record's time when it listed the item without one; this reading's time
 * when a comparable record (same severity, not cut) did not list it. Unknown without such a record.
 */
export function firstSeenTimes(
  items: ExploitableVulnerability[],
  severity: Severity,
  previous: PreviousVulnerabilities,
  now: string
): Map<string, string> {
  const times = new Map<string, string>()
  const record = previous.kind === 'read' ? previous.previous : undefined
  if (record?.record == null) {
    return times
  }
  const { ids, count, firstSeen = {} } = record.record
  const listed = new Set(ids)
  const complete = record.record.severity === severity && ids.length >= count
  for (const item of items.filter(vulnerability => vulnerability.firstDetected === undefined)) {
    const id = recordedId(item.id)
    const known = firstSeen[id] ?? (listed.has(id) ? record.time : complete ? now : undefined)
    if (known !== undefined) {
      times.set(id, known)
    }
  }
  return times
}

/** What a history line keeps of `times`: the first {@link MAX_FIRST_SEEN} of the items, in the order a responder fixes them. */
export function recordedFirstSeen(items: ExploitableVulnerability[], times: Map<string, string>): Record<string, string> | undefined {
  const kept = [...items]
    .sort(fixFirst)
    .map(item => recordedId(item.id))
    .filter(id => times.has(id))
    .slice(0, MAX_FIRST_SEEN)
  return kept.length === 0 ? undefined : Object.fromEntries(kept.map(id => [id, times.get(id) ?? '']))
}

/** Each item's age at `now`. */
export function vulnerabilityAges(items: ExploitableVulnerability[], firstSeen: Map<string, string>, now: string): VulnerabilityAge[] {
  return items.map(item => {
    const fromHistory = firstSeen.get(recordedId(item.id))
    const since = item.firstDetected ?? fromHistory
    const from = item.firstDetected !== undefined ? 'defender' : fromHistory !== undefined ? 'history' : undefined
    return { id: item.id, since, from, ageDays: since === undefined ? undefined : daysBetween(since, now) }
  })
}

/** Whole days from `since` to `now`; never negative (a date after the reading is today's). */
function daysBetween(since: string, now: string): number {
  return Math.max(0, Math.floor((Date.parse(now) - Date.parse(since)) / DAY_MS))
}
