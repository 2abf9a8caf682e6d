/** The top security recommendations by score impact (SecurityRecommendation.Read.All): no check needs them. */
import type { Source } from '../source.js'
import { parseRecommendations, RECOMMENDATIONS_PATH, RECOMMENDATIONS_PERMISSION, type Recommendations } from './answers.js'

export const recommendationsSource: Source<number, Recommendations> = {
  name: 'Top recommendations',
  permission: RECOMMENDATIONS_PERMISSION,
  wanted: count => count > 0,
  failure: 'check',
  read: async (api, count) => parseRecommendations(await api.get(RECOMMENDATIONS_PATH, RECOMMENDATIONS_PERMISSION), count)
}
