/**
 * max-active-devices-drop-percent: the number of active onboarded devices fell by at most this share
 * since the previous reading of the same tenant that counted them.
 */
import { formatCompared, formatPoints } from '../format.js'
import { unevaluated, type Check, type CheckDefinition } from './check.js'

const INPUT = 'max-active-devices-drop-percent'
const WHAT = 'Active devices change'

export const maxActiveDevicesDropPercent: CheckDefinition<'max-active-devices-drop-percent'> = {
  id: INPUT,
  label: 'Fall of active devices since the previous reading (%)',
  direction: 'at most',
  unit: 'percent',
  example: 10,
  measure: 'active devices fall',
  needs: { sources: ['devices'], history: true },
  evaluate: ({ devices }, limit): Check[] => {
    if (devices?.kind !== 'read') {
      return [unevaluated(maxActiveDevicesDropPercent, limit, devices?.reason ?? 'the devices were not read', WHAT)]
    }
    const history = devices.previous
    if (history.kind === 'none') {
      return [unevaluated(maxActiveDevicesDropPercent, limit, 'no history is kept (set history-file or history-branch)', WHAT)]
    }
    if (history.kind === 'unavailable') {
      return [unevaluated(maxActiveDevicesDropPercent, limit, history.reason, WHAT)]
    }
    const { previous } = history
    if (previous === undefined) {
      const note =
        'the history holds no earlier reading of this tenant that counted its devices; this one is the first, so the fall is checked from the next run on'
      return [{ input: INPUT, limit, value: undefined, passed: true, note, message: `${INPUT}: ${note}.` }]
    }
    if (previous.counts === null) {
      const reason = `the device counts of the previous reading (${previous.time}) in the history are not readable`
      return [unevaluated(maxActiveDevicesDropPercent, limit, reason, WHAT)]
    }
    const before = previous.counts.active
    const fall = before === 0 ? 0 : ((before - devices.active) / before) * 100
    const passed = fall <= limit
    const [shownFall, shownLimit] = formatCompared(fall, limit)
    const readings = `from ${formatPoints(before)} at ${previous.time} to ${formatPoints(devices.active)} now`
    return [
      {
        input: INPUT,
        limit,
        value: fall,
        passed,
        message: passed
          ? `Active devices changed within ${INPUT} ${shownLimit} (${readings}).`
          : `Active devices fell by ${shownFall}%, more than ${INPUT} ${shownLimit}: ${readings}.`
      }
    ]
  }
}
