/** min-active-devices-percent: at least this share of the onboarded devices is Active. */
import { formatCompared, formatPoints } from '../format.js'
import { unevaluated, type CheckDefinition } from './check.js'

const INPUT = 'min-active-devices-percent'
const WHAT = 'Active devices'

export const minActiveDevicesPercent: CheckDefinition<'min-active-devices-percent'> = {
  id: INPUT,
  label: 'Active devices (% of onboarded)',
  direction: 'at least',
  unit: 'percent',
  example: 90,
  measure: 'active devices percent',
  needs: { sources: ['devices'], history: false },
  evaluate: ({ devices }, limit) => {
    if (devices?.kind !== 'read') {
      return [unevaluated(minActiveDevicesPercent, limit, devices?.reason ?? 'the devices were not read', WHAT)]
    }
    if (devices.onboarded === 0) {
      return [unevaluated(minActiveDevicesPercent, limit, 'no onboarded device listed (0 of 0 is not 100%)', WHAT)]
    }
    const percent = (devices.active / devices.onboarded) * 100
    const passed = percent >= limit
    const [shown, shownLimit] = formatCompared(percent, limit)
    const counts = `${formatPoints(devices.active)} of ${formatPoints(devices.onboarded)} onboarded devices active (${shown}%)`
    return [
      {
        input: INPUT,
        limit,
        value: percent,
        passed,
        message: passed ? `${counts}: meets ${INPUT} ${shownLimit}.` : `${counts}: below the threshold ${INPUT} ${shownLimit}.`
      }
    ]
  }
}
