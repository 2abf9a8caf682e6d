/**
 * Reads every exploitable vulnerability of a tenant, page by page. Each page is parsed and dropped
 * before the next is asked for, so memory holds one page and the exploitable items, however many
 * vulnerabilities the tenant has.
 */
import type { DefenderApi } from '../../defender/api.js'
import { readPages } from '../../defender/paging.js'
import {
  fixFirst,
  PAGE_SIZE,
  pageUrl,
  vulnerabilityPageReader,
  VULNERABILITIES_PATH,
  VULNERABILITY_PERMISSION,
  type ExploitableVulnerability,
  type Severity
} from './answers.js'

/**
 * Largest page read. 8,000 items are about 7 MiB of JSON (Microsoft's example item is 900 bytes);
 * long descriptions can make a page larger than the 8 MiB other answers are allowed.
 */
export const MAX_PAGE_BYTES = 32 * 1024 * 1024
/** 400,000 vulnerabilities: past it, an API that keeps paging is misbehaving. */
export const MAX_PAGES = 50

/** A tenant's exploitable vulnerabilities: those that count, and those Defender lists under an exception. */
export interface ExploitableVulnerabilities {
  /** What a responder fixes first first, each ID once. */
  exploitable: ExploitableVulnerability[]
  /** Under an exception granted in Defender (status UnderException): left out of every count, counted apart. */
  underException: ExploitableVulnerability[]
}

/** Every exploitable vulnerability at or above `lowest`. */
export async function readVulnerabilities(api: DefenderApi, lowest: Severity): Promise<ExploitableVulnerabilities> {
  const found = new Map<string, ExploitableVulnerability>()
  const excepted = new Map<string, ExploitableVulnerability>()
  await readPages(
    api,
    {
      path: VULNERABILITIES_PATH,
      permission: VULNERABILITY_PERMISSION,
      pageSize: PAGE_SIZE,
      pageUrl: skip => pageUrl(api.apiUrl, lowest, skip),
      maxPages: MAX_PAGES,
      maxPageBytes: MAX_PAGE_BYTES,
      reader: () => vulnerabilityPageReader(lowest),
      what: 'The vulnerabilities',
      tooMany: 'Raise vulnerability-severity to count fewer, and report it if the tenant does not have that many vulnerabilities.'
    },
    page => {
      for (const vulnerability of page.exploitable) {
        // Pages read while the data changes may repeat an item; each CVE counts once.
        found.set(vulnerability.id.toUpperCase(), vulnerability)
      }
      for (const vulnerability of page.underException) {
        excepted.set(vulnerability.id.toUpperCase(), vulnerability)
      }
    }
  )
  // An item seen both ways while the data changed counts (fail closed).
  const underException = [...excepted].filter(([key]) => !found.has(key)).map(([, vulnerability]) => vulnerability)
  return { exploitable: [...found.values()].sort(fixFirst), underException: underException.sort(fixFirst) }
}

/**
 * What a tenant's reading says of its vulnerabilities: read, or why not (a check that needs them then
 * fails). `accepted` are those the accepted-risks file leaves out of the counts (none until it is applied).
 */
export type VulnerabilityReading =
  | ({ kind: 'read'; severity: Severity; accepted: ExploitableVulnerability[] } & ExploitableVulnerabilities)
  | { kind: 'unavailable'; severity: Severity; reason: string }
