/**
 * Security recommendations (SecurityRecommendation.Read.All): the top ones by score impact, and how
 * many the security team excepted. https://learn.microsoft.com/defender-endpoint/api/get-all-recommendations
 */
import { collection, finite, text } from '../../defender/answers.js'
import type { HttpResponse } from '../../net/http.js'

export const RECOMMENDATIONS_PATH = '/api/recommendations'
export const RECOMMENDATIONS_PERMISSION = 'SecurityRecommendation.Read.All'

/** A security recommendation, as the summary lists the ones that would raise the score most. */
export interface Recommendation {
  /** The API's ID (va-_-google-_-chrome): what an accepted-risks entry names. */
  id: string
  name: string
  category: string
  product: string
  /** Points the device secure score would gain. */
  configScoreImpact: number
  exposedMachines: number | undefined
  totalMachines: number | undefined
}

export interface Recommendations {
  /** Every active recommendation, in the API's order: neither excepted in Defender nor accepted in accepted-risks. */
  active: Recommendation[]
  /** How many the report lists, those that would raise the score most (the recommendations input). */
  shown: number
  /** Recommendations left out because the security team granted an exception (status Exception). */
  excepted: number
  /** Recommendations left out because the accepted-risks file accepts them. */
  accepted: number
}

/** Reads the recommendations; items without a name are left out, and so are those excepted (status Exception). */
export function parseRecommendations(response: HttpResponse, count: number): Recommendations {
  const items = collection(response, RECOMMENDATIONS_PATH)
  const excepted = items.filter(item => item['status'] === 'Exception').length
  const active = items
    .filter(item => item['status'] !== 'Exception')
    .flatMap(item => {
      const name = text(item['recommendationName'])
      return name
        ? [
            {
              id: text(item['id']),
              name,
              category: text(item['recommendationCategory']),
              product: text(item['productName']),
              configScoreImpact: finite(item['configScoreImpact']) ?? 0,
              exposedMachines: finite(item['exposedMachinesCount']),
              totalMachines: finite(item['totalMachineCount'])
            }
          ]
        : []
    })
  return { active, shown: count, excepted, accepted: 0 }
}

/** The recommendations the report lists: the `shown` that would raise the score most; ties keep the API's order. */
export function topRecommendations({ active, shown }: Recommendations): Recommendation[] {
  return [...active].sort((a, b) => b.configScoreImpact - a.configScoreImpact).slice(0, shown)
}
