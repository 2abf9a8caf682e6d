/**
 * Reading an OData collection of the Defender API page by page, each page parsed as it arrives and
 * dropped before the next is asked for: `$top`/`$skip`, or `@odata.nextLink` followed only on the
 * API's own origin (the token goes with it), a bounded number of pages. It knows no source.
 */
import { ServiceError } from '../errors.js'
import { isRecord } from '../json.js'
import { CollectionReader } from '../net/json-items.js'
import type { DefenderApi } from './api.js'

/** What a page gave: how many items it held, and where the next one is when the API says. */
export interface PageSummary {
  items: number
  nextLink: string | undefined
}

/** A page as it arrives, chunk by chunk: write the chunks, then end. */
export interface PageReader<Page extends PageSummary> {
  write(chunk: Buffer): void
  end(): Page
}

export interface Paging<Page extends PageSummary> {
  /** The collection's path, as messages name it. */
  path: string
  permission: string
  /** `$top`: a page this full may be followed by another, which `pageUrl` asks for when the API gives no nextLink. */
  pageSize: number
  pageUrl(skip: number): string
  maxPages: number
  maxPageBytes: number
  /** A reader for a page; one per attempt, so a retry after a broken answer starts the page afresh. */
  reader(): PageReader<Page>
  /** What could not all be read, for messages: "The vulnerabilities". */
  what: string
  /** What the user can do when the API keeps paging past `maxPages`. */
  tooMany: string
}

/** Reads every page in turn, handing each to `onPage` once it is whole. */
export async function readPages<Page extends PageSummary>(
  api: DefenderApi,
  paging: Paging<Page>,
  onPage: (page: Page) => void
): Promise<void> {
  const origin = new URL(api.apiUrl).origin
  let url = paging.pageUrl(0)
  for (let pages = 1, skip = 0; ; pages++) {
    let reader = paging.reader()
    await api.get(url, paging.permission, {
      path: paging.path,
      maxBodyBytes: paging.maxPageBytes,
      sink: () => {
        reader = paging.reader()
        return reader
      }
    })
    const page = reader.end()
    onPage(page)
    skip += page.items
    // OData servers may page at their own size: a shorter page with a nextLink is followed too.
    const next = page.nextLink ?? (page.items >= paging.pageSize ? paging.pageUrl(skip) : undefined)
    if (next === undefined) {
      return
    }
    if (pages >= paging.maxPages) {
      throw new ServiceError(
        `The Defender API kept paging GET ${paging.path} past ${paging.maxPages} pages of ${paging.pageSize}; the action stopped reading. ${paging.tooMany}`
      )
    }
    url = sameOrigin(next, origin, paging)
  }
}

/** The next page's address from the answer: followed only on the API's own origin, where the token may go. */
function sameOrigin(link: string, origin: string, paging: { path: string; what: string }): string {
  let url: URL | undefined
  try {
    url = new URL(link, origin)
  } catch {
    url = undefined
  }
  if (url?.origin !== origin) {
    throw new ServiceError(
      `The Defender API answered GET ${paging.path} with a next page (@odata.nextLink) outside ${origin}; ` +
        `it was not followed, as the token would go with it. ${paging.what} could not all be read.`
    )
  }
  return url.href
}

/**
 * A reader of one page of the collection at `path`: each item goes to `onItem` as it arrives (and may
 * refuse it by throwing), and the page ends with `summary` of what was kept and where the next page is.
 * What is not JSON, or not the documented `{ "value": [...] }`, is refused with `unexpected` (what to do).
 */
export function collectionPageReader<Kept>(
  path: string,
  unexpected: string,
  onItem: (item: unknown) => void,
  kept: () => Kept
): PageReader<Kept & PageSummary> {
  let items = 0
  const collection = new CollectionReader(item => {
    items++
    onItem(item)
  })
  const refused = (error: unknown) =>
    error instanceof ServiceError && !error.message.startsWith('The Defender API')
      ? new ServiceError(`The Defender API answered GET ${path} with ${error.message.replace(/^the answer is /, '')}. ${unexpected}`)
      : error
  return {
    write(chunk) {
      try {
        collection.write(chunk)
      } catch (error) {
        throw refused(error)
      }
    },
    end() {
      let envelope: unknown
      try {
        envelope = collection.end()
      } catch (error) {
        throw refused(error)
      }
      if (!isRecord(envelope) || !Array.isArray(envelope['value'])) {
        throw new ServiceError(
          `The Defender API answered GET ${path} but not with the documented { "value": [...] } collection. ${unexpected}`
        )
      }
      const next = envelope['@odata.nextLink']
      return { ...kept(), items, nextLink: typeof next === 'string' && next.length > 0 ? next : undefined }
    }
  }
}
