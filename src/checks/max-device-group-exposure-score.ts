/** max-device-group-exposure-score: each selected device group's exposure score is at most the limit. */
import { formatCompared } from '../format.js'
import { exposureLevel } from '../sources/exposure/source.js'
import { unevaluated, type Check, type CheckDefinition } from './check.js'

const INPUT = 'max-device-group-exposure-score'
const WHAT = 'Device group exposure'
/** Names of device groups a message lists at most. */
const MAX_NAMES_LISTED = 10

export const maxDeviceGroupExposureScore: CheckDefinition<'max-device-group-exposure-score'> = {
  id: INPUT,
  label: WHAT,
  direction: 'at most',
  unit: 'points',
  example: 50,
  measure: 'device group exposure',
  needs: { sources: ['deviceGroups'], history: false },
  evaluate: ({ deviceGroups }, limit) => {
    if (deviceGroups === undefined) {
      return [unevaluated(maxDeviceGroupExposureScore, limit, 'the exposure scores of the device groups were not read', WHAT)]
    }
    if (deviceGroups.groups.length === 0 && deviceGroups.missing.length === 0 && deviceGroups.accepted.length === 0) {
      return [unevaluated(maxDeviceGroupExposureScore, limit, 'the API lists no device group', WHAT)]
    }
    const checks: Check[] = deviceGroups.groups.map(group => {
      const passed = group.score <= limit
      const [shownExposure, shownLimit] = formatCompared(group.score, limit)
      const name = JSON.stringify(group.name)
      return {
        input: INPUT,
        limit,
        value: group.score,
        passed,
        subject: group.name,
        message: passed
          ? `Device group ${name}: exposure score ${shownExposure} (${exposureLevel(group.score)}) is within ${INPUT} ${shownLimit}.`
          : `Device group ${name}: exposure score ${shownExposure} (${exposureLevel(group.score)}) is above the threshold ${INPUT} ${shownLimit} (lower is better).`
      }
    })
    for (const group of deviceGroups.accepted) {
      const [shownExposure, shownLimit] = formatCompared(group.score, limit)
      checks.push({
        input: INPUT,
        limit,
        value: group.score,
        passed: true,
        subject: group.name,
        note: 'an accepted risk (accepted-risks): not gated',
        message: `Device group ${JSON.stringify(group.name)}: exposure score ${shownExposure} against ${INPUT} ${shownLimit} is not gated: an accepted risk (accepted-risks).`
      })
    }
    const listed = deviceGroups.listed.slice(0, MAX_NAMES_LISTED).map(name => JSON.stringify(name))
    const more = deviceGroups.listed.length > MAX_NAMES_LISTED ? ` and ${deviceGroups.listed.length - MAX_NAMES_LISTED} more` : ''
    for (const name of deviceGroups.missing) {
      const why =
        'the API does not list this group (renamed, deleted, or misspelt in device-groups); ' +
        `it lists ${listed.join(', ') || 'no group'}${more}`
      checks.push({ ...unevaluated(maxDeviceGroupExposureScore, limit, why, `Device group ${JSON.stringify(name)}`), subject: name })
    }
    return checks
  }
}
