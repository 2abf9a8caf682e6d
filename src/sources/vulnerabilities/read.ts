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

/** Every exploitable vulnerability at or above `lowest`, what a responder fixes first first, each ID once. */
export async function readVulnerabilities(api: DefenderApi, lowest: Severity): Promise<ExploitableVulnerability[]> {
  const found = new Map<string, ExploitableVulnerability>()
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
    }
  )
  return [...found.values()].sort(fixFirst)
}

/** What a tenant's reading says of its vulnerabilities: read, or why not (a check that needs them then fails). */
export type VulnerabilityReading =
  | { kind: 'read'; severity: Severity; exploitable: ExploitableVulnerability[] }
  | { kind: 'unavailable'; severity: Severity; reason: string }
