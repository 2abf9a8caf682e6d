/** max-drop: the score fell by at most the limit since the previous reading of the same tenant. */
import { formatCompared, formatPoints } from '../format.js'
import { unevaluated, type CheckDefinition } from './check.js'

const WHAT = 'Device secure score change'

export const maxDrop: CheckDefinition<'max-drop'> = {
  id: 'max-drop',
  label: 'Fall since the previous reading',
  direction: 'at most',
  unit: 'points',
  example: 10,
  measure: 'fall',
  needs: { sources: ['score'], history: true },
  evaluate: ({ score: { score, time }, history }, maxDropLimit) => {
    if (history.kind === 'none') {
      return [unevaluated(maxDrop, maxDropLimit, 'no history is kept (set history-file or history-branch)', WHAT)]
    }
    if (history.kind === 'unavailable') {
      return [unevaluated(maxDrop, maxDropLimit, history.reason, WHAT)]
    }
    const { previous } = history
    if (previous === undefined) {
      const note =
        'the history holds no earlier reading of this tenant; this reading is the first, so the fall is checked from the next run on'
      return [{ input: maxDrop.id, limit: maxDropLimit, value: undefined, passed: true, note, message: `max-drop: ${note}.` }]
    }
    const drop = previous.score - score
    const passed = drop <= maxDropLimit
    const [shownDrop, shownLimit] = formatCompared(drop, maxDropLimit)
    const readings = `from ${formatPoints(previous.score)} at ${previous.time} to ${formatPoints(score)} at ${time}`
    return [
      {
        input: maxDrop.id,
        limit: maxDropLimit,
        value: drop,
        passed,
        message: passed
          ? `Device secure score change is within max-drop ${shownLimit} (${readings}).`
          : `Device secure score fell by ${shownDrop} points, more than max-drop ${shownLimit}: ${readings}.`
      }
    ]
  }
}
