/**
 * The device secure score (Score.Read.All): always read, and the tenant's reading is nothing without
 * it. https://learn.microsoft.com/defender-endpoint/api/get-device-secure-score
 */
import { parseScoreResponse, SCORE_PERMISSION, type ScoreReading } from '../../defender/answers.js'
import type { Source } from '../source.js'

export const SCORE_PATH = '/api/configurationScore'

export const scoreSource: Source<undefined, ScoreReading> = {
  name: 'Device secure score',
  permission: SCORE_PERMISSION,
  wanted: () => true,
  always: true,
  failure: 'tenant',
  read: async api => parseScoreResponse(await api.get(SCORE_PATH, SCORE_PERMISSION), SCORE_PATH)
}
