/**
 * A check: one module per check in this folder, listed once in ./registry.ts. Its ID is the input that
 * sets its limit (in action.yml and in tenant-id lines); it says what it needs, how its limit reads
 * and how it evaluates. Pure decisions over what was read: a check that was asked for and cannot be
 * evaluated fails, and says why.
 */
import type { ScoreReading } from '../defender/answers.js'
import type { SourceId } from '../sources/registry.js'
import type { Severity } from '../sources/vulnerabilities/answers.js'
import type { VulnerabilityAge } from '../sources/vulnerabilities/age.js'
import type { VulnerabilityChanges } from '../sources/vulnerabilities/changes.js'

/** What a check compares its limit with, so that what is shown beside it is shown with the precision it needs. */
export type Measure =
  | 'score'
  | 'exposure'
  | 'device group exposure'
  | 'fall'
  | 'exploitable'
  | 'newly exploitable'
  | 'active devices percent'
  | 'active devices fall'
  | 'age'

export interface CheckDefinition<Id extends string = string> {
  /** Its input's name, which is also its key in a tenant-id line. */
  id: Id
  /** How the summary names it: "Score". */
  label: string
  /** Whether the value passes at least or at most at the limit. */
  direction: 'at least' | 'at most'
  /** How its limit reads: points (a non-negative number), a whole number of vulnerabilities or of days, or a percentage (0 to 100). */
  unit: 'points' | 'vulnerabilities' | 'days' | 'percent'
  /** A limit an error message may suggest. */
  example: number
  measure: Measure
  /** The sources it is evaluated on (read whenever it is set), and whether it compares with the history. */
  needs: { sources: readonly SourceId[]; history: boolean }
  /** Its verdicts (one per subject, such as a device group) for a tenant whose limit is `limit`. */
  evaluate(facts: CheckFacts, limit: number): Check[]
}

/** One verdict of a check. */
export interface Check {
  /** The check's ID: its input's name. */
  input: string
  /** The input's value. */
  limit: number
  /** What was compared with it; undefined when there was nothing to compare (see `unevaluated` and `note`). */
  value: number | undefined
  passed: boolean
  /** What the check is about when it is not the tenant: the device group's name, from the API. */
  subject?: string
  /** Why the check could not be evaluated. Such a check failed: a gate that was asked for and cannot be decided never passes. */
  unevaluated?: string
  /** Why a passed check compared nothing: max-drop on the first reading a history holds. */
  note?: string
  /** One sentence for the log, and the annotation when it fails. */
  message: string
}

/** Where the previous reading comes from: the history, or why it could not be read. */
export type PreviousReading =
  | { kind: 'read'; previous: { score: number; time: string } | undefined }
  | { kind: 'unavailable'; reason: string }
  /** No history store is configured. */
  | { kind: 'none' }

export interface DeviceGroupFacts {
  /** Exposure scores of the selected device groups the API listed. */
  groups: Array<{ name: string; score: number }>
  /** Selected names the API does not list. */
  missing: string[]
  /** Every group the API lists, to name them when a selected one is missing. */
  listed: string[]
  /** Selected groups accepted in the accepted-risks file: not gated. */
  accepted: Array<{ name: string; score: number }>
}

/** The exploitable vulnerabilities and their changes since the previous reading, or why they were not read. */
export type VulnerabilityFacts =
  | { kind: 'read'; severity: Severity; count: number; changes: VulnerabilityChanges; ages: VulnerabilityAge[] }
  | { kind: 'unavailable'; severity: Severity; reason: string }

/** Onboarded and active devices, now and at the previous reading that counted them, or why not. */
export type CoverageFacts =
  | { kind: 'read'; onboarded: number; active: number; previous: PreviousCoverage }
  | { kind: 'unavailable'; reason: string }

/** The previous reading's counts of devices, as the history gives them. */
export type PreviousCoverage =
  | { kind: 'read'; previous: { time: string; counts: { onboarded: number; active: number } | null } | undefined }
  | { kind: 'unavailable'; reason: string }
  | { kind: 'none' }

/** What the checks decide on: a tenant's reading and its history. */
export interface CheckFacts {
  score: ScoreReading
  exposure: number | undefined
  history: PreviousReading
  deviceGroups: DeviceGroupFacts | undefined
  vulnerabilities: VulnerabilityFacts | undefined
  devices: CoverageFacts | undefined
}

/** A check that was asked for and cannot be evaluated: it failed, and says why. */
export function unevaluated(definition: CheckDefinition, limit: number, reason: string, what: string): Check {
  const why = reason.replace(/\.+$/, '')
  const input = definition.id
  return { input, limit, value: undefined, passed: false, unevaluated: why, message: `${what} (${input}) could not be evaluated: ${why}.` }
}

export function checksPassed(checks: Check[]): boolean {
  return checks.every(check => check.passed)
}

export function capitalised(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`
}
