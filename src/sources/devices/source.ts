/**
 * Coverage (Machine.Read.All): every device, page by page as the pages arrive, alongside the score;
 * read when `devices` asks or a coverage check needs it, whose failure is then that check's.
 */
import { readPages } from '../../defender/paging.js'
import type { Source } from '../source.js'
import {
  CoverageTally,
  DEVICES_PAGE_SIZE,
  DEVICES_PATH,
  DEVICES_PERMISSION,
  pageUrl,
  type Coverage,
  type CoverageRequest
} from './answers.js'

/** 500,000 devices: past it, an API that keeps paging is misbehaving. */
const MAX_PAGES = 50
/** 10,000 devices of Microsoft's example's size are about 8 MiB; long tags and names get room. */
const MAX_PAGE_BYTES = 32 * 1024 * 1024

export const devicesSource: Source<CoverageRequest & { asked: boolean }, Coverage> = {
  name: 'Device coverage',
  permission: DEVICES_PERMISSION,
  wanted: request => request.asked,
  failure: 'check',
  read: async (api, request) => {
    const tally = new CoverageTally(request)
    await readPages(
      api,
      {
        path: DEVICES_PATH,
        permission: DEVICES_PERMISSION,
        pageSize: DEVICES_PAGE_SIZE,
        pageUrl: skip => pageUrl(api.apiUrl, skip),
        maxPages: MAX_PAGES,
        maxPageBytes: MAX_PAGE_BYTES,
        reader: () => tally.reader(),
        what: 'The devices',
        tooMany: 'Report it if the tenant does not have that many devices.'
      },
      page => tally.add(page.devices)
    )
    return tally.result()
  }
}
