/** What a history line keeps of coverage: the counts, never the devices. */
import { isRecord } from '../../json.js'
import type { HistoryRecord } from '../history-record.js'
import type { CoverageReading } from '../registry.js'

/** Onboarded and active devices, as a line keeps them. */
export interface DeviceCounts {
  onboarded: number
  active: number
}

export const devicesHistory: HistoryRecord<CoverageReading, { devices: DeviceCounts | null }> = {
  write: reading =>
    reading.kind === 'read' ? { devices: { onboarded: reading.coverage.onboarded, active: reading.coverage.active } } : undefined,
  read: line => (line['devices'] === undefined ? {} : { devices: readDeviceCounts(line['devices']) }),
  newestOnly: []
}

/** Counts from a line; null when they are not counts. */
function readDeviceCounts(value: unknown): DeviceCounts | null {
  if (!isRecord(value)) return null
  const { onboarded, active } = value
  const count = (item: unknown): item is number => typeof item === 'number' && Number.isSafeInteger(item) && item >= 0
  return count(onboarded) && count(active) && active <= onboarded ? { onboarded, active } : null
}
