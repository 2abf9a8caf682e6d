/** The device groups' section of a tenant's report: each group's exposure score. */
import { formatCompared, formatPoints } from '../../format.js'
import { leftOut } from '../../report/fit.js'
import { inlineText } from '../../report/inline.js'
import { exposureLevel } from '../exposure/source.js'
import type { DeviceGroupReadings } from './answers.js'

/** `limit`: max-device-group-exposure-score, when set, so that a score is shown with the precision its comparison needs. */
export function deviceGroupsSection(
  readings: DeviceGroupReadings | undefined,
  limit: number | undefined,
  rows: number,
  where: string,
  level: number
): string[] {
  if (!readings) {
    return []
  }
  const accepted = new Set(readings.accepted)
  const groups = [...readings.groups, ...readings.accepted]
  if (groups.length === 0) {
    return [`${'#'.repeat(level)} Device groups`, '', 'None of the device groups asked for is listed by the API.', '']
  }
  const shown = groups.slice(0, rows).map(group => {
    const score = limit === undefined ? formatPoints(group.score) : formatCompared(group.score, limit)[0]
    const mark = accepted.has(group) ? ' (accepted risk: not gated)' : ''
    return `| ${inlineText(group.name)}${mark} | ${score} | ${exposureLevel(group.score)} |`
  })
  return [
    `${'#'.repeat(level)} Exposure score by device group`,
    '',
    '| Device group | Exposure score | Level |',
    '|---|---|---|',
    ...shown,
    '',
    ...leftOut(groups.length - shown.length, where)
  ]
}
