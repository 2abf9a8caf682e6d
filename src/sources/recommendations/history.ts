/**
 * What a history line keeps of the recommendations: the bounded record a score change is explained
 * against (./changes.ts), in the newest line only, and the digest of every impact that tells a stale
 * reading, in every line.
 */
import type { HistoryRecord } from '../history-record.js'
import { everyRecommendation, type Recommendations } from './answers.js'
import { impactsDigest, readRecommendationRecord, recommendationRecord, type RecommendationRecord } from './changes.js'

export const recommendationsHistory: HistoryRecord<Recommendations, { recommendations: RecommendationRecord | null; impacts: string }> = {
  write: reading => ({
    recommendations: recommendationRecord(everyRecommendation(reading)),
    impacts: impactsDigest(everyRecommendation(reading))
  }),
  read: line => ({
    ...(line['recommendations'] === undefined ? {} : { recommendations: readRecommendationRecord(line['recommendations']) }),
    ...(typeof line['impacts'] === 'string' && /^[0-9a-f]{16}$/.test(line['impacts']) ? { impacts: line['impacts'] } : {})
  }),
  newestOnly: ['recommendations']
}
