/** The exposure score of each device group selected by device-groups (Score.Read.All). */
import { SCORE_PERMISSION } from '../../defender/answers.js'
import type { Source } from '../source.js'
import { DEVICE_GROUPS_PATH, parseDeviceGroups, type DeviceGroupReadings, type DeviceGroupSelection } from './answers.js'

export const deviceGroupsSource: Source<DeviceGroupSelection | undefined, DeviceGroupReadings> = {
  name: 'Device groups',
  permission: SCORE_PERMISSION,
  wanted: selection => selection !== undefined,
  failure: 'tenant',
  // A check needs every group when device-groups is empty.
  read: async (api, selection) => parseDeviceGroups(await api.get(DEVICE_GROUPS_PATH, SCORE_PERMISSION), selection ?? { all: true }),
  // With a limit set, a missing group is a check that could not be evaluated (it fails); without one, a warning.
  notes: groups =>
    groups.missing.length === 0
      ? []
      : [
          `device-groups names ${groups.missing.map(name => `'${name}'`).join(', ')}, which the API does not list; ` +
            `it lists ${groups.listed.map(name => `'${name}'`).join(', ') || 'no group'}. Check the names (Microsoft Defender portal > Settings > Endpoints > Device groups).`
        ]
}
