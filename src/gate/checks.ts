import { formatCompared, formatDifference, formatPoints } from '../format.js'

/** The checks a run can fail: pure decisions over what was read. */
export type CheckInput = 'min-score' | 'max-exposure-score' | 'max-drop' | 'max-device-group-exposure-score'

export interface Check {
  input: CheckInput
  /** The input's value. */
  limit: number
  /** What was compared with it: the score, the exposure score, or the fall since the last reading. */
  value: number
  passed: boolean
  /** What the check is about when it is not the tenant: the device group's name, from the API. */
  subject?: string
  /** One sentence for the log, and the annotation when it fails. */
  message: string
}

export interface GateFacts {
  score: number
  time: string
  minScore: number | undefined
  exposure: number | undefined
  maxExposureScore: number | undefined
  previous: { score: number; time: string } | undefined
  maxDrop: number | undefined
  /** Exposure scores of the selected device groups. */
  deviceGroups: Array<{ name: string; score: number }> | undefined
  maxDeviceGroupExposureScore: number | undefined
}

export function evaluateChecks(facts: GateFacts): Check[] {
  const checks: Check[] = []
  const { score, minScore, exposure, maxExposureScore, previous, maxDrop } = facts
  if (minScore !== undefined) {
    const passed = score >= minScore
    const [shownScore, shownLimit] = formatCompared(score, minScore)
    checks.push({
      input: 'min-score',
      limit: minScore,
      value: score,
      passed,
      message: passed
        ? `Device secure score ${shownScore} meets the threshold min-score ${shownLimit}.`
        : `Device secure score ${shownScore} is below the threshold min-score ${shownLimit} (short by ${formatDifference(minScore - score)} points).`
    })
  }
  if (maxExposureScore !== undefined && exposure !== undefined) {
    const passed = exposure <= maxExposureScore
    const level = exposureLevel(exposure)
    const [shownExposure, shownLimit] = formatCompared(exposure, maxExposureScore)
    checks.push({
      input: 'max-exposure-score',
      limit: maxExposureScore,
      value: exposure,
      passed,
      message: passed
        ? `Exposure score ${shownExposure} (${level}) is within max-exposure-score ${shownLimit}.`
        : `Exposure score ${shownExposure} (${level}) is above the threshold max-exposure-score ${shownLimit} (lower is better).`
    })
  }
  if (maxDrop !== undefined && previous !== undefined) {
    const drop = previous.score - score
    const passed = drop <= maxDrop
    const [shownDrop, shownLimit] = formatCompared(drop, maxDrop)
    const readings = `from ${formatPoints(previous.score)} at ${previous.time} to ${formatPoints(score)} at ${facts.time}`
    checks.push({
      input: 'max-drop',
      limit: maxDrop,
      value: drop,
      passed,
      message: passed
        ? `Device secure score change is within max-drop ${shownLimit} (${readings}).`
        : `Device secure score fell by ${shownDrop} points, more than max-drop ${shownLimit}: ${readings}.`
    })
  }
  const { deviceGroups, maxDeviceGroupExposureScore: maxGroup } = facts
  if (maxGroup !== undefined) {
    for (const group of deviceGroups ?? []) {
      const passed = group.score <= maxGroup
      const [shownExposure, shownLimit] = formatCompared(group.score, maxGroup)
      const name = JSON.stringify(group.name)
      checks.push({
        input: 'max-device-group-exposure-score',
        limit: maxGroup,
        value: group.score,
        passed,
        subject: group.name,
        message: passed
          ? `Device group ${name}: exposure score ${shownExposure} (${exposureLevel(group.score)}) is within max-device-group-exposure-score ${shownLimit}.`
          : `Device group ${name}: exposure score ${shownExposure} (${exposureLevel(group.score)}) is above the threshold max-device-group-exposure-score ${shownLimit} (lower is better).`
      })
    }
  }
  return checks
}

export function checksPassed(checks: Check[]): boolean {
  return checks.every(check => check.passed)
}

export type ExposureLevel = 'low' | 'medium' | 'high'

/** Microsoft's bands: 0-29 low, 30-69 medium, 70-100 high. */
export function exposureLevel(exposure: number): ExposureLevel {
  return exposure < 30 ? 'low' : exposure < 70 ? 'medium' : 'high'
}
