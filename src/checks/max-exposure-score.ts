/** max-exposure-score: the exposure score is at most the limit (lower is better). */
import { formatCompared } from '../format.js'
import { exposureLevel } from '../sources/exposure/source.js'
import { unevaluated, type CheckDefinition } from './check.js'

export const maxExposureScore: CheckDefinition<'max-exposure-score'> = {
  id: 'max-exposure-score',
  label: 'Exposure score',
  direction: 'at most',
  unit: 'points',
  example: 50,
  measure: 'exposure',
  needs: { sources: ['exposure'], history: false },
  evaluate: ({ exposure }, limit) => {
    if (exposure === undefined) {
      return [unevaluated(maxExposureScore, limit, 'the exposure score was not read', 'Exposure score')]
    }
    const passed = exposure <= limit
    const level = exposureLevel(exposure)
    const [shownExposure, shownLimit] = formatCompared(exposure, limit)
    return [
      {
        input: maxExposureScore.id,
        limit,
        value: exposure,
        passed,
        message: passed
          ? `Exposure score ${shownExposure} (${level}) is within max-exposure-score ${shownLimit}.`
          : `Exposure score ${shownExposure} (${level}) is above the threshold max-exposure-score ${shownLimit} (lower is better).`
      }
    ]
  }
}
