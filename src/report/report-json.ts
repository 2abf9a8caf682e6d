/**
 * The report-json output's document, as a type: built by ./outputs.ts, read by the tests and by
 * anyone who consumes the output (schema in docs/checks-and-reports.md). Changes are additive within
 * a schema version.
 */
import type { ExposureLevel } from '../sources/exposure/source.js'
import type { Recommendation } from '../sources/recommendations/answers.js'
import type { Severity } from '../sources/vulnerabilities/answers.js'

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
}

export interface VulnerabilitiesJson {
  severity: Severity
  count: number | null
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
}
