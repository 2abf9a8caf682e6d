/**
 * Reads every exploitable vulnerability of a tenant, page by page. Each page is parsed and dropped
 * before the next is asked for, so memory holds one page and the exploitable items, however many
 * vulnerabilities the tenant has.
 */
import { ServiceError } from '../../errors.js'
import type { DefenderApi } from '../../defender/api.js'
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
  const origin = new URL(api.apiUrl).origin
  const found = new Map<string, ExploitableVulnerability>()
  let url = pageUrl(api.apiUrl, lowest, 0)
  for (let pages = 1, skip = 0; ; pages++) {
    // A reader per attempt: a retry after a broken answer starts the page afresh.
    let reader = vulnerabilityPageReader(lowest)
    await api.get(url, VULNERABILITY_PERMISSION, {
      path: VULNERABILITIES_PATH,
      maxBodyBytes: MAX_PAGE_BYTES,
      sink: () => {
        reader = vulnerabilityPageReader(lowest)
        return reader
      }
    })
    const page = reader.end()
    for (const vulnerability of page.exploitable) {
      // Pages read while the data changes may repeat an item; each CVE counts once.
      found.set(vulnerability.id.toUpperCase(), vulnerability)
    }
    skip += page.items
    const next = page.nextLink ?? (page.items >= PAGE_SIZE ? pageUrl(api.apiUrl, lowest, skip) : undefined)
    if (next === undefined) {
      break
    }
    if (pages >= MAX_PAGES) {
      throw new ServiceError(
        `The Defender API kept paging GET ${VULNERABILITIES_PATH} past ${MAX_PAGES} pages of ${PAGE_SIZE}; the action stopped reading. ` +
          'Raise vulnerability-severity to count fewer, and report it if the tenant does not have that many vulnerabilities.'
      )
    }
    url = sameOrigin(next, origin)
  }
  return [...found.values()].sort(fixFirst)
}

/** The next page's address from the answer: followed only on the API's own origin, where the token may go. */
function sameOrigin(link: string, origin: string): string {
  let url: URL | undefined
  try {
    url = new URL(link, origin)
  } catch {
    url = undefined
  }
  if (url?.origin !== origin) {
    throw new ServiceError(
      `The Defender API answered GET ${VULNERABILITIES_PATH} with a next page (@odata.nextLink) outside ${origin}; ` +
        'it was not followed, as the token would go with it. The vulnerabilities could not all be read.'
    )
  }
  return url.href
}

/** What a tenant's reading says of its vulnerabilities: read, or why not (a check that needs them then fails). */
export type VulnerabilityReading =
  | { kind: 'read'; severity: Severity; exploitable: ExploitableVulnerability[] }
  | { kind: 'unavailable'; severity: Severity; reason: string }
