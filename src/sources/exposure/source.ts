/**
 * The exposure score (Score.Read.All; lower is better), read when include-exposure-score asks or a
 * check needs it. https://learn.microsoft.com/defender-endpoint/api/get-exposure-score
 */
import { parseScoreResponse, SCORE_PERMISSION, type ScoreReading } from '../../defender/answers.js'
import type { Source } from '../source.js'

export const EXPOSURE_PATH = '/api/exposureScore'

export const exposureSource: Source<boolean, ScoreReading> = {
  name: 'Exposure score',
  permission: SCORE_PERMISSION,
  wanted: asked => asked,
  failure: 'tenant',
  read: async api => parseScoreResponse(await api.get(EXPOSURE_PATH, SCORE_PERMISSION), EXPOSURE_PATH)
}

export type ExposureLevel = 'low' | 'medium' | 'high'

/** Microsoft's bands: 0-29 low, 30-69 medium, 70-100 high. */
export function exposureLevel(exposure: number): ExposureLevel {
  return exposure < 30 ? 'low' : exposure < 70 ? 'medium' : 'high'
}
