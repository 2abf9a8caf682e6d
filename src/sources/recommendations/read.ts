/**
 * Reads every security recommendation of a tenant, page by page ($top at most 10,000, $skip, or the
 * API's @odata.nextLink on its own origin): the top list and the explanation of a score change share
 * this one read, so no run reads the recommendations twice.
 * https://learn.microsoft.com/defender-endpoint/api/get-all-recommendations
 */
import type { DefenderApi } from '../../defender/api.js'
import { collectionPageReader, readPages } from '../../defender/paging.js'
import { RECOMMENDATIONS_PATH, RECOMMENDATIONS_PERMISSION, RecommendationTally, type Recommendations } from './answers.js'

/** The largest page the API documents for $top. */
export const PAGE_SIZE = 10_000
/** 10,000 recommendations are about 10 MiB of JSON (Microsoft's example item is 700 bytes, with long names). */
export const MAX_PAGE_BYTES = 32 * 1024 * 1024
/** 100,000 recommendations: past it, an API that keeps paging is misbehaving. */
export const MAX_PAGES = 10

const UNEXPECTED =
  'The recommendations were not used. Check that api-url is the Defender for Endpoint API; if it is, re-run the job, and ' +
  'report the answer if it persists.'

export async function readRecommendations(api: DefenderApi, shown: number): Promise<Recommendations> {
  const read: Recommendations = { active: [], shown, excepted: 0, accepted: [] }
  await readPages(
    api,
    {
      path: RECOMMENDATIONS_PATH,
      permission: RECOMMENDATIONS_PERMISSION,
      pageSize: PAGE_SIZE,
      pageUrl: skip => `${api.apiUrl}${RECOMMENDATIONS_PATH}?$top=${PAGE_SIZE}&$skip=${skip}`,
      maxPages: MAX_PAGES,
      maxPageBytes: MAX_PAGE_BYTES,
      // A tally per page (and per attempt of it): a page whose answer broke off is read again from its start.
      reader: () => {
        const tally = new RecommendationTally(shown)
        return collectionPageReader(
          RECOMMENDATIONS_PATH,
          UNEXPECTED,
          item => tally.add(item),
          () => tally.result()
        )
      },
      what: 'The recommendations',
      tooMany: 'Report it: no tenant has that many recommendations.'
    },
    page => {
      read.active.push(...page.active)
      read.excepted += page.excepted
    }
  )
  return read
}
