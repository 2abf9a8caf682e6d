/**
 * The exposure score of each device group (Score.Read.All), the groups selected by device-groups.
 * https://learn.microsoft.com/defender-endpoint/api/get-machine-group-exposure-score
 */
import { ServiceError } from '../../errors.js'
import { collection, UNEXPECTED_ANSWER_HINT } from '../../defender/answers.js'
import type { HttpResponse } from '../../net/http.js'

export const DEVICE_GROUPS_PATH = '/api/exposureScore/ByMachineGroups'

/** Which device groups to read: every one (`*`), or those named. */
export type DeviceGroupSelection = { all: true } | { all: false; names: string[] }

/** One device group's exposure score (lower is better). */
export interface DeviceGroupExposure {
  name: string
  score: number
}

export interface DeviceGroupReadings {
  groups: DeviceGroupExposure[]
  /** Names asked for in device-groups that the API does not list. */
  missing: string[]
  /** Every group the API lists, to name them when one asked for is missing. */
  listed: string[]
  /** Selected groups the accepted-risks file accepts: shown, not gated. */
  accepted: DeviceGroupExposure[]
}

/**
 * Reads the exposure score by device group, keeping the groups `selection` names (all for `*`).
 * A group must have a name and a finite, non-negative score, or the answer is refused: a check may
 * depend on it.
 */
export function parseDeviceGroups(response: HttpResponse, selection: DeviceGroupSelection): DeviceGroupReadings {
  const groups = collection(response, DEVICE_GROUPS_PATH).map(item => {
    const name = item['rbacGroupName']
    const score = item['score']
    if (typeof name !== 'string' || name.length === 0 || typeof score !== 'number' || !Number.isFinite(score) || score < 0) {
      throw new ServiceError(
        `The Defender API answered GET ${DEVICE_GROUPS_PATH} with a group that has no name or no non-negative score ` +
          `(rbacGroupName ${JSON.stringify(name) ?? 'missing'}, score ${JSON.stringify(score) ?? 'missing'}). ${UNEXPECTED_ANSWER_HINT}`
      )
    }
    return { name, score }
  })
  const listed = groups.map(group => group.name)
  if (selection.all) {
    return { groups, missing: [], listed, accepted: [] }
  }
  const wanted = new Set(selection.names.map(groupNameKey))
  const found = new Set(listed.map(groupNameKey))
  return {
    groups: groups.filter(group => wanted.has(groupNameKey(group.name))),
    missing: selection.names.filter((name, index) => {
      const key = groupNameKey(name)
      return !found.has(key) && selection.names.findIndex(other => groupNameKey(other) === key) === index
    }),
    listed,
    accepted: []
  }
}

/**
 * A device group's name as names are compared: Unicode NFC (a name typed on a Mac or pasted from a
 * web page may come decomposed) and case-folded (upper then lower case folds ß to ss and final
 * sigma to sigma, as full case folding does), so a selected name never misses its group.
 */
export function groupNameKey(name: string): string {
  return name.normalize('NFC').toUpperCase().toLowerCase().normalize('NFC')
}
