/**
 * Security recommendations (SecurityRecommendation.Read.All): the top ones by score impact, and how
 * many the security team excepted. https://learn.microsoft.com/defender-endpoint/api/get-all-recommendations
 */
import { collection, finite, text } from '../../defender/answers.js'
import { isRecord } from '../../json.js'
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
  accepted: Recommendation[]
}

/** Reads a whole answer (one page); items without a name are left out, and so are those excepted (status Exception). */
export function parseRecommendations(response: HttpResponse, shown: number): Recommendations {
  const tally = new RecommendationTally(shown)
  for (const item of collection(response, RECOMMENDATIONS_PATH)) {
    tally.add(item)
  }
  return tally.result()
}

/** Recommendations as they arrive, item by item (a page at a time): the active ones kept, the excepted counted. */
export class RecommendationTally {
  private readonly active: Recommendation[] = []
  private excepted = 0

  constructor(private readonly shown: number) {}

  add(item: unknown): void {
    if (!isRecord(item)) {
      return
    }
    if (item['status'] === 'Exception') {
      this.excepted++
      return
    }
    const name = text(item['recommendationName'])
    if (name) {
      this.active.push({
        id: text(item['id']),
        name,
        category: text(item['recommendationCategory']),
        product: text(item['productName']),
        configScoreImpact: finite(item['configScoreImpact']) ?? 0,
        exposedMachines: finite(item['exposedMachinesCount']),
        totalMachines: finite(item['totalMachineCount'])
      })
    }
  }

  result(): Recommendations {
    return { active: this.active, shown: this.shown, excepted: this.excepted, accepted: [] }
  }
}

/** Every active recommendation, those the accepted-risks file accepts included: what the score is computed on. */
export function everyRecommendation({ active, accepted }: Recommendations): Recommendation[] {
  return [...active, ...accepted]
}

/** The recommendations the report lists: the `shown` that would raise the score most; ties keep the API's order. */
export function topRecommendations({ active, shown }: Recommendations): Recommendation[] {
  return [...active].sort((a, b) => b.configScoreImpact - a.configScoreImpact).slice(0, shown)
}
