/**
 * The report-json output's document, as a type: built by ./outputs.ts, read by the tests and by
 * anyone who consumes the output (schema in docs/checks-and-reports.md). Changes are additive within
 * a schema version.
 */
import type { ExposureLevel } from '../sources/exposure/source.js'
import type { Recommendation } from '../sources/recommendations/answers.js'
import type { Mover } from '../sources/recommendations/changes.js'
import type { Severity } from '../sources/vulnerabilities/answers.js'

/** Items of a list report-json holds at most (checks, device groups); the count of those left out is given beside it. */
export const REPORT_LIST_CAP = 500
/** Characters of a text from the API (a device group's or a recommendation's name) report-json holds at most. */
export const REPORT_TEXT_CAP = 500

/** A text from outside as report-json holds it: at most {@link REPORT_TEXT_CAP} characters, then an ellipsis. */
export function capText(text: string): string {
  return text.length > REPORT_TEXT_CAP ? `${text.slice(0, REPORT_TEXT_CAP - 1)}…` : text
}

export interface CheckJson {
  /** The check's input name. */
  input: string
  subject?: string
  limit: number
  value: number | null
  passed: boolean
  /** `could not be evaluated: <why>`, when it could not be. */
  reason?: string
  note?: string
}

export interface DeviceGroupJson {
  name: string
  exposureScore: number
  exposureLevel: ExposureLevel
}

export interface VulnerabilityItemJson {
  id: string
  severity: Severity
  cvssV3: number | null
  epss: number | null
  exposedMachines: number
  publicExploit: boolean
  exploitVerified: boolean
  exploitInKit: boolean
  /** Defender's status is PartialException: counted all the same. */
  partialException: boolean
  /** When it was first seen: Defender's firstDetected, or the first reading of this action that listed it; null when neither. */
  firstDetected?: string | null
  /** Whole days it has been open at the reading; null when it could not be dated. */
  ageDays?: number | null
}

export interface VulnerabilitiesJson {
  severity: Severity
  /** Those that count: neither under an exception in Defender nor accepted. */
  count: number | null
  /** Left out of the count: under an exception in Defender (status UnderException). */
  underException?: number | null
  /** Left out of the count: accepted in the accepted-risks file (listed in the tenant's `accepted`). */
  accepted?: number | null
  items: VulnerabilityItemJson[]
  since?: string | null
  new: string[] | null
  newOmitted?: number | null
  fixed: string[] | null
  fixedOmitted?: number | null
  /** Why they could not be read, when a check needed them. */
  error?: string
}

/** Coverage: onboarded devices by health status, how many are active, and the stale ones (listed up to a cap). */
export interface DevicesJson {
  byHealthStatus: Record<string, number>
  onboarded: number | null
  active: number | null
  /** Active onboarded devices in percent of the onboarded; null when none is onboarded. */
  activePercent: number | null
  canBeOnboarded: number | null
  staleAfterDays: number | null
  staleCount: number | null
  stale: Array<{ name: string; lastSeen: string | null; healthStatus: string; platform: string; group: string }>
  staleOmitted: number | null
  /** Why it could not be read, when a check needed it. */
  error?: string
}

/** An item of the tenant's reading an accepted-risks entry names. */
export interface AcceptedJson {
  /** The item as the API names it: a vulnerability's or recommendation's ID, a device group's name. */
  item: string
  /** The entry: its place in the file, its id, owner, reason and expiry (YYYY-MM-DD). */
  entry: number
  id: string
  owner: string
  reason: string
  expires: string
  /** The checks it is left out of, or the list when no check counts it. */
  leftOutOf: string[]
  /** The entry has expired: the item counts again. */
  expired: boolean
}

/** What report-json says of one tenant (null fields when it could not be read). */
export interface TenantFieldsJson {
  score: number | null
  time: string | null
  checks: CheckJson[]
  checksOmitted: number
  exposureScore: number | null
  exposureLevel: ExposureLevel | null
  previousScore: number | null
  previousTime: string | null
  scoreDelta: number | null
  /** As the summary lists them (../sources/recommendations/answers.ts), texts cut at 500 characters. */
  recommendations: Recommendation[] | null
  exceptedRecommendations: number | null
  deviceGroups: DeviceGroupJson[] | null
  deviceGroupsOmitted: number | null
  vulnerabilities: VulnerabilitiesJson | null
  devices: DevicesJson | null
  /** What the accepted-risks file matched; null without the file. */
  accepted?: AcceptedJson[] | null
  /** Which recommendations account for a change of the score since the previous reading; null when there is none to explain. */
  scoreChange?: ScoreChangeJson | null
  /** The reading repeats one a week or more older (score, exposure score, every recommendation's impact): its time; null otherwise. */
  staleSince?: string | null
}

/** A recommendation's part in a score change (../sources/recommendations/changes.ts), its name cut at 500 characters. */
export type MoverJson = Mover

/** Why the score moved, between the previous reading (`since`) and this one; `reason` instead when it could not be explained. */
export interface ScoreChangeJson {
  since: string
  delta: number
  movers?: MoverJson[]
  appeared?: MoverJson[]
  left?: MoverJson[]
  /** Points of the change the recommendations do not account for. */
  unexplained?: number
  reason?: string
}

export interface TenantJson extends TenantFieldsJson {
  tenant: string
  name: string
  passed: boolean
  /** Why it could not be read, when it could not be. */
  error?: string
}

/** The document: the lowest-scoring tenant's fields at the top level, and every tenant in `tenants`. */
export interface ReportJson extends TenantFieldsJson {
  schemaVersion: number
  passed: boolean
  enforced: boolean
  tenant: string
  cloud: string
  region: string | null
  apiHost: string
  commentUrl: string | null
  issueUrl: string | null
  tenants: TenantJson[]
  tenantsOmitted: number
  /** The accepted-risks file: where it was read, its entries, and those that matched nothing in the run; null without one. */
  acceptedRisks?: { from: string; entries: number; unused: Array<{ entry: number; id: string; expires: string }> } | null
}
