/** Coverage's part of report-json (its schema: ../../report/report-json.ts). */
import { capText, type DevicesJson } from '../../report/report-json.js'
import type { CoverageReading } from '../registry.js'
import { activePercent } from './answers.js'

/** Coverage: null when not read; with `error` when a check needed it and it could not be read. */
export function devicesJson(devices: CoverageReading | undefined): DevicesJson | null {
  if (devices === undefined) {
    return null
  }
  if (devices.kind === 'unavailable') {
    return { ...UNREAD_DEVICES, error: capText(devices.reason) }
  }
  const { coverage } = devices
  return {
    byHealthStatus: Object.fromEntries(Object.entries(coverage.byHealthStatus).map(([status, count]) => [capText(status), count])),
    onboarded: coverage.onboarded,
    active: coverage.active,
    activePercent: activePercent(coverage) ?? null,
    canBeOnboarded: coverage.canBeOnboarded,
    staleAfterDays: coverage.staleAfterDays,
    staleCount: coverage.staleCount,
    stale: coverage.stale.map(device => ({
      name: capText(device.name),
      lastSeen: device.lastSeen,
      healthStatus: capText(device.healthStatus),
      platform: capText(device.platform),
      group: capText(device.group)
    })),
    staleOmitted: coverage.staleCount - coverage.stale.length
  }
}

const UNREAD_DEVICES: DevicesJson = {
  byHealthStatus: {},
  onboarded: null,
  active: null,
  activePercent: null,
  canBeOnboarded: null,
  staleAfterDays: null,
  staleCount: null,
  stale: [],
  staleOmitted: null
}
