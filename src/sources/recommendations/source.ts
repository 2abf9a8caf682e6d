/**
 * Every security recommendation (SecurityRecommendation.Read.All), read once for the top list and for
 * explaining a score change: no check needs them, so a failure is a warning.
 */
import type { Source } from '../source.js'
import { RECOMMENDATIONS_PERMISSION, type Recommendations } from './answers.js'
import { readRecommendations } from './read.js'

/** What the run asks of them: how many the report lists (recommendations), and whether a score change is explained. */
export interface RecommendationOptions {
  shown: number
  explain: boolean
}

export const recommendationsSource: Source<RecommendationOptions, Recommendations> = {
  name: 'Recommendations',
  permission: RECOMMENDATIONS_PERMISSION,
  wanted: ({ shown, explain }) => shown > 0 || explain,
  failure: 'check',
  read: (api, { shown }) => readRecommendations(api, shown)
}
