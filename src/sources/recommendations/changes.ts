/**
 * Why the score moved: which recommendations account for a change of the score between two readings,
 * from a bounded record of each recommendation's impact and exposed devices that each history line
 * keeps. Microsoft recomputes the score 24-48 hours after a change, and the API's `time` is the time
 * of the call, so an attribution is between the two readings, never between the changes. A record
 * that is tampered with or cut gives no attribution, never a made-up one. Pure.
 */
import { createHash } from 'node:crypto'
import { isRecord } from '../../json.js'
import type { Recommendation } from './answers.js'

/**
 * Bytes of a line the record may take: about 40 recommendations with a score impact per KiB. Past
 * it the record is marked cut (`complete: false`), and the next run says it cannot explain.
 */
export const MAX_RECORD_BYTES = 16 * 1024

/** A recommendation as a line records it: its ID (as ../vulnerabilities/changes.ts's recordedId would), impact and exposed devices. */
export type RecordedRecommendation = [id: string, impact: number, exposed: number | null]

export interface RecommendationRecord {
  /** Every recommendation with a score impact, the largest first; `complete` false when some were left out to fit. */
  items: RecordedRecommendation[]
  complete: boolean
}

/** What a line may hold as an ID: ID-shaped, or a digest of one. */
const RECORDED_ID = /^[A-Za-z0-9._:-]{1,64}$/

function recordedId(id: string): string {
  return RECORDED_ID.test(id) ? id : `sha256:${createHash('sha256').update(id).digest('hex').slice(0, 32)}`
}

/** The record of every recommendation that weighs on the score (configScoreImpact above 0), within {@link MAX_RECORD_BYTES}. */
export function recommendationRecord(recommendations: Recommendation[]): RecommendationRecord {
  const weighing = recommendations.filter(item => item.configScoreImpact > 0).sort((a, b) => b.configScoreImpact - a.configScoreImpact)
  const items: RecordedRecommendation[] = []
  let bytes = 0
  for (const item of weighing) {
    const recorded: RecordedRecommendation = [recordedId(item.id), item.configScoreImpact, item.exposedMachines ?? null]
    bytes += JSON.stringify(recorded).length + 1
    if (bytes > MAX_RECORD_BYTES) {
      return { items, complete: false }
    }
    items.push(recorded)
  }
  return { items, complete: true }
}

/** A record read from a history line (hostile); null when it is not one. */
export function readRecommendationRecord(value: unknown): RecommendationRecord | null {
  if (!isRecord(value) || typeof value['complete'] !== 'boolean' || !Array.isArray(value['items'])) {
    return null
  }
  const items = value['items']
  const valid = items.every(
    item =>
      Array.isArray(item) &&
      item.length === 3 &&
      typeof item[0] === 'string' &&
      RECORDED_ID.test(item[0]) &&
      typeof item[1] === 'number' &&
      Number.isFinite(item[1]) &&
      item[1] > 0 &&
      (item[2] === null || (typeof item[2] === 'number' && Number.isFinite(item[2]) && item[2] >= 0))
  )
  const ids = new Set(items.map(item => (Array.isArray(item) ? item[0] : undefined)))
  return valid && ids.size === items.length ? { items: items as RecordedRecommendation[], complete: value['complete'] } : null
}

/**
 * A digest of every recommendation's impact: two readings with the same digest, score and exposure
 * score may be one computation reported twice (stale data). Kept in every line: 16 characters.
 */
export function impactsDigest(recommendations: Recommendation[]): string {
  const pairs = recommendations.map(item => `${item.id}\u0000${item.configScoreImpact}`).sort()
  return createHash('sha256').update(pairs.join('\n')).digest('hex').slice(0, 16)
}

/** One recommendation's part in the change: its impact and exposed devices then and now, and the points it accounts for. */
export interface Mover {
  id: string
  /** Its name now; the ID alone for one that left (a line keeps no names). */
  name: string
  impactBefore: number
  impactNow: number
  exposedBefore: number | null
  exposedNow: number | null
  /** Points of the score change it accounts for: the impact it gained is what the score lost. */
  points: number
}

/** The previous reading as the history gives it: the score and the record of its recommendations. */
export interface EarlierRecommendations {
  time: string
  score: number
  /** Undefined when the line has none; null when it has one that cannot be read. */
  record: RecommendationRecord | null | undefined
}

export type ScoreChange =
  | {
      kind: 'explained'
      since: string
      previousScore: number
      delta: number
      /** Recommendations in both readings whose impact or exposed devices changed, the largest part first. */
      movers: Mover[]
      appeared: Mover[]
      left: Mover[]
      /** The part of the change the recommendations do not account for. */
      unexplained: number
    }
  | { kind: 'unexplained'; since: string; delta: number; reason: string }

/** Below this many points, a part of the change is rounding, not a mover. */
const NEGLIGIBLE = 0.005

/**
 * The recommendations that account for the change from `previous` to `score`, when it changed (undefined
 * when it did not). `current`: every active recommendation now, accepted ones included (an acceptance
 * does not change the score), or why they could not be read.
 */
export function explainScoreChange(
  score: number,
  previous: EarlierRecommendations,
  current: Recommendation[] | string
): ScoreChange | undefined {
  const delta = score - previous.score
  if (Math.abs(delta) < NEGLIGIBLE) {
    return undefined
  }
  const { time: since } = previous
  const cannot = (reason: string): ScoreChange => ({ kind: 'unexplained', since, delta, reason })
  if (typeof current === 'string') {
    return cannot(current)
  }
  if (previous.record === undefined) {
    return cannot(
      `the previous reading (${since}) kept no record of the recommendations (explain-score-change was off, or they were not read)`
    )
  }
  if (previous.record === null) {
    return cannot(`the previous reading's record of the recommendations (${since}) is not readable`)
  }
  if (!previous.record.complete) {
    return cannot(`the previous reading (${since}) recorded only part of its recommendations (past a history line's bound)`)
  }
  const now = recommendationRecord(current)
  if (!now.complete) {
    return cannot('this reading has more recommendations with a score impact than a history line records')
  }
  const names = new Map(current.map(item => [recordedId(item.id), item.name]))
  const before = new Map(previous.record.items.map(([id, impact, exposed]) => [id, { impact, exposed }]))
  const after = new Map(now.items.map(([id, impact, exposed]) => [id, { impact, exposed }]))
  const mover = (id: string): Mover => {
    const then = before.get(id)
    const today = after.get(id)
    const impactBefore = then?.impact ?? 0
    const impactNow = today?.impact ?? 0
    return {
      id,
      name: names.get(id) ?? id,
      impactBefore,
      impactNow,
      exposedBefore: then?.exposed ?? null,
      exposedNow: today?.exposed ?? null,
      points: impactBefore - impactNow
    }
  }
  const largestFirst = (a: Mover, b: Mover) => Math.abs(b.points) - Math.abs(a.points) || (a.id < b.id ? -1 : 1)
  const movers = [...after.keys()]
    .filter(id => before.has(id))
    .map(mover)
    .filter(item => Math.abs(item.points) >= NEGLIGIBLE || item.exposedBefore !== item.exposedNow)
    .sort(largestFirst)
  const appeared = [...after.keys()]
    .filter(id => !before.has(id))
    .map(mover)
    .sort(largestFirst)
  const left = [...before.keys()]
    .filter(id => !after.has(id))
    .map(mover)
    .sort(largestFirst)
  const accounted = [...movers, ...appeared, ...left].reduce((sum, item) => sum + item.points, 0)
  return { kind: 'explained', since, previousScore: previous.score, delta, movers, appeared, left, unexplained: delta - accounted }
}
