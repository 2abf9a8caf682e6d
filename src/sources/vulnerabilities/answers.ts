/**
 * What Defender Vulnerability Management answers for GET /api/vulnerabilities, read as hostile data,
 * and what makes a vulnerability exploitable. Pure.
 * https://learn.microsoft.com/defender-endpoint/api/get-all-vulnerabilities,
 * https://learn.microsoft.com/defender-endpoint/api/vulnerability
 */
import { ServiceError } from '../../errors.js'
import { isIsoDateTime, isRecord } from '../../json.js'
import { collectionPageReader, type PageReader } from '../../defender/paging.js'

export const VULNERABILITIES_PATH = '/api/vulnerabilities'
export const VULNERABILITY_PERMISSION = 'Vulnerability.Read.All'

/** Severities from the lowest; `vulnerability-severity` names the lowest one counted. */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const
export type Severity = (typeof SEVERITIES)[number]

/** The largest page the API documents for $top. */
export const PAGE_SIZE = 8000

/** A vulnerability that counts: on at least one device, with a known exploit, at or above the severity asked for. */
export interface ExploitableVulnerability {
  /** The CVE ID as the API gives it (not trusted to be one). */
  id: string
  severity: Severity
  cvssV3: number | undefined
  /** Probability of exploitation in the next 30 days, 0 to 1, when the API gives it. */
  epss: number | undefined
  exposedMachines: number
  publicExploit: boolean
  exploitVerified: boolean
  exploitInKit: boolean
  /** Defender's status says an exception covers some of its devices (PartialException): it still counts, marked. */
  partialException: boolean
  /** When Defender first saw it in the organisation (the API's `firstDetected`), when given as a date and time. */
  firstDetected: string | undefined
}

/** One page: the exploitable items on it (apart, those under an exception in Defender), how many items it had, and where the next page is. */
export interface VulnerabilityPage {
  exploitable: ExploitableVulnerability[]
  underException: ExploitableVulnerability[]
  items: number
  nextLink: string | undefined
}

/** A page as it arrives, chunk by chunk (see ../../net/json-items.ts): write the chunks, then end. */
export type VulnerabilityPageReader = PageReader<VulnerabilityPage>

/** The server-side filter: the severity asked for and every one above it, in the API's spelling. */
export function severityFilter(lowest: Severity): string {
  return SEVERITIES.slice(SEVERITIES.indexOf(lowest))
    .map(severity => `severity eq '${apiSeverity(severity)}'`)
    .join(' or ')
}

/** The URL of the page that starts at `skip`. */
export function pageUrl(apiUrl: string, lowest: Severity, skip: number): string {
  const query = new URLSearchParams({ $filter: severityFilter(lowest), $top: String(PAGE_SIZE), $skip: String(skip) })
  return `${apiUrl}${VULNERABILITIES_PATH}?${query.toString().replaceAll('+', '%20')}`
}

function apiSeverity(severity: Severity): string {
  return `${severity[0]?.toUpperCase()}${severity.slice(1)}`
}

const UNEXPECTED =
  'No vulnerability check was evaluated on it. Check that api-url is the Defender for Endpoint API; if it is, re-run the job, and ' +
  'report the answer if it persists.'

/**
 * Reads a page as it arrives, keeping only the exploitable items at or above `lowest` (the rest are
 * counted and dropped, so an item's memory goes with it). An item without an ID, a known severity or
 * a device count is refused, as a check may depend on it.
 */
export function vulnerabilityPageReader(lowest: Severity): VulnerabilityPageReader {
  const exploitable: ExploitableVulnerability[] = []
  const underException: ExploitableVulnerability[] = []
  return collectionPageReader(
    VULNERABILITIES_PATH,
    UNEXPECTED,
    item => {
      const vulnerability = readItem(item)
      if (isExploitable(vulnerability, lowest)) {
        const excepted = isRecord(item) && item['status'] === UNDER_EXCEPTION
        ;(excepted ? underException : exploitable).push(vulnerability)
      }
    },
    () => ({ exploitable, underException })
  )
}

/**
 * Defender's statuses of a vulnerability (seen in its answers, not on the reference page): only
 * `UnderException`, spelt exactly so, leaves an item out; `PartialException`, a missing or an unknown
 * status counts, so that a status the action does not know can never let an item pass.
 */
const UNDER_EXCEPTION = 'UnderException'
const PARTIAL_EXCEPTION = 'PartialException'

/** The flags that make an item exploitable: each absent, or a boolean. */
const EXPLOIT_FLAGS = ['publicExploit', 'exploitVerified', 'exploitInKit'] as const

function readItem(item: unknown): ExploitableVulnerability {
  const record = isRecord(item) ? item : {}
  const { id, exposedMachines } = record
  const severity = typeof record['severity'] === 'string' ? record['severity'].toLowerCase() : undefined
  if (typeof id !== 'string' || id.length === 0 || !isSeverity(severity) || !isCount(exposedMachines)) {
    throw new ServiceError(
      `The Defender API answered GET ${VULNERABILITIES_PATH} with an item that has no ID, no known severity or no count of exposed devices ` +
        `(id ${describe(id)}, severity ${describe(record['severity'])}, exposedMachines ${describe(exposedMachines)}). ${UNEXPECTED}`
    )
  }
  const flags = EXPLOIT_FLAGS.filter(flag => record[flag] !== undefined && typeof record[flag] !== 'boolean')
  if (flags.length > 0) {
    // "true" or 1 read as no exploit would let an exploitable item pass a gate: refused, like an item without an ID.
    throw new ServiceError(
      `The Defender API answered GET ${VULNERABILITIES_PATH} with an item whose exploit flags are not true or false ` +
        `(${flags.map(flag => `${flag} ${describe(record[flag])}`).join(', ')}, id ${describe(id)}). ${UNEXPECTED}`
    )
  }
  return {
    id,
    severity,
    cvssV3: inRange(record['cvssV3'], 10),
    epss: inRange(caseInsensitive(record, 'epss'), 1),
    exposedMachines,
    publicExploit: record['publicExploit'] === true,
    exploitVerified: record['exploitVerified'] === true,
    exploitInKit: record['exploitInKit'] === true,
    partialException: record['status'] === PARTIAL_EXCEPTION,
    firstDetected: isIsoDateTime(record['firstDetected']) ? record['firstDetected'] : undefined
  }
}

/** Exploitable: on at least one device, with a public, verified or kit exploit, at or above `lowest`. */
export function isExploitable(vulnerability: ExploitableVulnerability, lowest: Severity): boolean {
  return (
    vulnerability.exposedMachines > 0 &&
    (vulnerability.publicExploit || vulnerability.exploitVerified || vulnerability.exploitInKit) &&
    SEVERITIES.indexOf(vulnerability.severity) >= SEVERITIES.indexOf(lowest)
  )
}

/**
 * What a responder fixes first: a verified exploit or one in an exploit kit, then the likelier to be
 * exploited (EPSS), the more severe (CVSS), the more devices; the ID breaks ties, so the order is stable.
 */
export function fixFirst(a: ExploitableVulnerability, b: ExploitableVulnerability): number {
  const weaponised = (item: ExploitableVulnerability) => (item.exploitVerified || item.exploitInKit ? 1 : 0)
  return (
    weaponised(b) - weaponised(a) ||
    (b.epss ?? -1) - (a.epss ?? -1) ||
    (b.cvssV3 ?? -1) - (a.cvssV3 ?? -1) ||
    b.exposedMachines - a.exposedMachines ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  )
}

/** The kind of exploit, as people read it: the strongest first. */
export function exploitKind(vulnerability: ExploitableVulnerability): string {
  return [
    ...(vulnerability.exploitInKit ? ['in an exploit kit'] : []),
    ...(vulnerability.exploitVerified ? ['verified'] : []),
    ...(vulnerability.publicExploit ? ['public'] : [])
  ].join(', ')
}

/** An ID shaped like a CVE's (CVE-YYYY-NNNN…): only such an ID is ever made into a link. */
export function isCveId(id: string): boolean {
  return /^CVE-\d{4}-\d{4,7}$/.test(id)
}

function isSeverity(value: string | undefined): value is Severity {
  return SEVERITIES.some(severity => severity === value)
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0
}

function inRange(value: unknown, max: number): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= max ? value : undefined
}

/** The documentation lists EPSS but its example omits it, so the key's casing is not known. */
function caseInsensitive(record: Record<string, unknown>, key: string): unknown {
  const found = Object.keys(record).find(name => name.toLowerCase() === key)
  return found === undefined ? undefined : record[found]
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? 'missing'
  return text.length > 60 ? `${text.slice(0, 59)}…` : text
}

/** `critical`, or `high or critical`: the severities counted. */
export function severityRange(severity: Severity): string {
  return severity === 'critical' ? 'critical' : severity === 'high' ? 'high or critical' : `${severity} or higher`
}
