/** Coverage's step outputs (action.yml declares them; ../../report/outputs.ts lists them with the others). */
import { formatPoints } from '../../format.js'
import type { CoverageReading } from '../registry.js'
import { activePercent } from './answers.js'

export const DEVICE_OUTPUTS = ['active-devices', 'active-devices-percent'] as const

/** Active onboarded devices, and their share of the onboarded; empty when coverage was not read. */
export function deviceOutputs(devices: CoverageReading | undefined): Record<(typeof DEVICE_OUTPUTS)[number], string> {
  const coverage = devices?.kind === 'read' ? devices.coverage : undefined
  const percent = coverage && activePercent(coverage)
  return {
    'active-devices': coverage ? String(coverage.active) : '',
    'active-devices-percent': percent === undefined ? '' : formatPoints(percent, 'exact')
  }
}
