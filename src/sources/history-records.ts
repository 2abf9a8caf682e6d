/**
 * What a history line keeps of each source that keeps anything, one line each: the record lives in
 * the source's folder (its `history.ts`), and ../history/history.ts writes and reads every line through
 * this list without naming a source. Apart from ./registry.ts so that it loads with the history, after
 * the readings, not on the reading's critical path.
 */
import { devicesHistory } from './devices/history.js'
import type { HistoryRecord } from './history-record.js'
import { recommendationsHistory } from './recommendations/history.js'
import type { DefenderReadings, SourceId } from './registry.js'
import { vulnerabilitiesHistory } from './vulnerabilities/history.js'

/** What a history line keeps of each source that keeps anything, one line each (./history-record.ts); the compiler checks each against its source's reading. */
export const HISTORY_RECORDS = {
  vulnerabilities: vulnerabilitiesHistory,
  devices: devicesHistory,
  recommendations: recommendationsHistory
} satisfies { [K in SourceId]?: HistoryRecord<NonNullable<DefenderReadings[K]>, Record<string, unknown>> }

type RecordFields<R> = R extends HistoryRecord<never, infer Fields> ? Partial<Fields> : never
type Intersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never
/** The fields a history line may hold of the sources, as their records write and read them. */
export type SourceHistoryFields = Intersection<RecordFields<(typeof HISTORY_RECORDS)[keyof typeof HISTORY_RECORDS]>>
