/** min-score: the device secure score is at least the limit. */
import { formatCompared, formatDifference } from '../format.js'
import type { CheckDefinition } from './check.js'

export const minScore: CheckDefinition<'min-score'> = {
  id: 'min-score',
  label: 'Score',
  direction: 'at least',
  unit: 'points',
  example: 400,
  measure: 'score',
  needs: { sources: ['score'], history: false },
  evaluate: ({ score: { score } }, minScore) => {
    const passed = score >= minScore
    const [shownScore, shownLimit] = formatCompared(score, minScore)
    return [
      {
        input: 'min-score',
        limit: minScore,
        value: score,
        passed,
        message: passed
          ? `Device secure score ${shownScore} meets the threshold min-score ${shownLimit}.`
          : `Device secure score ${shownScore} is below the threshold min-score ${shownLimit} (short by ${formatDifference(minScore - score)} points).`
      }
    ]
  }
}
