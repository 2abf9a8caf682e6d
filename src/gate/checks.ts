import { formatCompared, formatDifference, formatPoints, plainDecimal } from '../format.js'
import type { Severity } from '../vulnerabilities/answers.js'
import type { VulnerabilityChanges } from '../vulnerabilities/changes.js'

/** The checks a run can fail: pure decisions over what was read. */
export type CheckInput =
  | 'min-score'
  | 'max-exposure-score'
  | 'max-drop'
  | 'max-device-group-exposure-score'
  | 'max-exploitable-vulnerabilities'
  | 'max-new-exploitable-vulnerabilities'

export interface Check {
  input: CheckInput
  /** The input's value. */
  limit: number
  /**
   * What was compared with it: the score, the exposure score, or the fall since the last reading;
   * undefined when there was nothing to compare (see `unevaluated` and `note`).
   */
  value: number | undefined
  passed: boolean
  /** What the check is about when it is not the tenant: the device group's name, from the API. */
  subject?: string
  /**
   * Why the check could not be evaluated. Such a check failed: a gate that was asked for and cannot
   * be decided never passes.
   */
  unevaluated?: string
  /** Why a passed check compared nothing: max-drop on the first reading a history holds. */
  note?: string
  /** One sentence for the log, and the annotation when it fails. */
  message: string
}

/** Where the previous reading comes from: the history, or why it could not be read. */
export type PreviousReading =
  | { kind: 'read'; previous: { score: number; time: string } | undefined }
  | { kind: 'unavailable'; reason: string }
  /** No history store is configured. */
  | { kind: 'none' }

export interface DeviceGroupFacts {
  /** Exposure scores of the selected device groups the API listed. */
  groups: Array<{ name: string; score: number }>
  /** Selected names the API does not list. */
  missing: string[]
  /** Every group the API lists, to name them when a selected one is missing. */
  listed: string[]
}

/** The exploitable vulnerabilities and their changes since the previous reading, or why they were not read. */
export type VulnerabilityFacts =
  | { kind: 'read'; severity: Severity; count: number; changes: VulnerabilityChanges }
  | { kind: 'unavailable'; severity: Severity; reason: string }

export interface GateFacts {
  score: number
  time: string
  minScore: number | undefined
  exposure: number | undefined
  maxExposureScore: number | undefined
  history: PreviousReading
  maxDrop: number | undefined
  deviceGroups: DeviceGroupFacts | undefined
  maxDeviceGroupExposureScore: number | undefined
  vulnerabilities: VulnerabilityFacts | undefined
  maxExploitableVulnerabilities: number | undefined
  maxNewExploitableVulnerabilities: number | undefined
}

const COULD_NOT = 'could not be evaluated'
/** Names of device groups a message lists at most. */
const MAX_NAMES_LISTED = 10

export function evaluateChecks(facts: GateFacts): Check[] {
  return [
    ...scoreCheck(facts),
    ...exposureCheck(facts),
    ...dropCheck(facts),
    ...deviceGroupChecks(facts),
    ...exploitableCheck(facts),
    ...newExploitableCheck(facts)
  ]
}

function scoreCheck({ score, minScore }: GateFacts): Check[] {
  if (minScore === undefined) {
    return []
  }
  const passed = score >= minScore
  const [shownScore, shownLimit] = formatCompared(score, minScore)
  return [
    {
      input: 'min-score',
      limit: minScore,
      value: score,
      passed,
      message: passed
        ? `Device secure score ${shownScore} meets the threshold min-score ${shownLimit}.`
        : `Device secure score ${shownScore} is below the threshold min-score ${shownLimit} (short by ${formatDifference(minScore - score)} points).`
    }
  ]
}

function exposureCheck({ exposure, maxExposureScore }: GateFacts): Check[] {
  if (maxExposureScore === undefined) {
    return []
  }
  if (exposure === undefined) {
    return [unevaluated('max-exposure-score', maxExposureScore, 'the exposure score was not read', 'Exposure score')]
  }
  const passed = exposure <= maxExposureScore
  const level = exposureLevel(exposure)
  const [shownExposure, shownLimit] = formatCompared(exposure, maxExposureScore)
  return [
    {
      input: 'max-exposure-score',
      limit: maxExposureScore,
      value: exposure,
      passed,
      message: passed
        ? `Exposure score ${shownExposure} (${level}) is within max-exposure-score ${shownLimit}.`
        : `Exposure score ${shownExposure} (${level}) is above the threshold max-exposure-score ${shownLimit} (lower is better).`
    }
  ]
}

function dropCheck({ score, time, history, maxDrop }: GateFacts): Check[] {
  if (maxDrop === undefined) {
    return []
  }
  if (history.kind === 'none') {
    return [unevaluated('max-drop', maxDrop, 'no history is kept (set history-file or history-branch)', 'Device secure score change')]
  }
  if (history.kind === 'unavailable') {
    return [unevaluated('max-drop', maxDrop, history.reason, 'Device secure score change')]
  }
  const { previous } = history
  if (previous === undefined) {
    const note =
      'the history holds no earlier reading of this tenant; this reading is the first, so the fall is checked from the next run on'
    return [{ input: 'max-drop', limit: maxDrop, value: undefined, passed: true, note, message: `max-drop: ${note}.` }]
  }
  const drop = previous.score - score
  const passed = drop <= maxDrop
  const [shownDrop, shownLimit] = formatCompared(drop, maxDrop)
  const readings = `from ${formatPoints(previous.score)} at ${previous.time} to ${formatPoints(score)} at ${time}`
  return [
    {
      input: 'max-drop',
      limit: maxDrop,
      value: drop,
      passed,
      message: passed
        ? `Device secure score change is within max-drop ${shownLimit} (${readings}).`
        : `Device secure score fell by ${shownDrop} points, more than max-drop ${shownLimit}: ${readings}.`
    }
  ]
}

function deviceGroupChecks({ deviceGroups, maxDeviceGroupExposureScore: maxGroup }: GateFacts): Check[] {
  if (maxGroup === undefined) {
    return []
  }
  const input = 'max-device-group-exposure-score'
  if (deviceGroups === undefined) {
    return [unevaluated(input, maxGroup, 'the exposure scores of the device groups were not read', 'Device group exposure')]
  }
  if (deviceGroups.groups.length === 0 && deviceGroups.missing.length === 0) {
    return [unevaluated(input, maxGroup, 'the API lists no device group', 'Device group exposure')]
  }
  const checks: Check[] = deviceGroups.groups.map(group => {
    const passed = group.score <= maxGroup
    const [shownExposure, shownLimit] = formatCompared(group.score, maxGroup)
    const name = JSON.stringify(group.name)
    return {
      input,
      limit: maxGroup,
      value: group.score,
      passed,
      subject: group.name,
      message: passed
        ? `Device group ${name}: exposure score ${shownExposure} (${exposureLevel(group.score)}) is within ${input} ${shownLimit}.`
        : `Device group ${name}: exposure score ${shownExposure} (${exposureLevel(group.score)}) is above the threshold ${input} ${shownLimit} (lower is better).`
    }
  })
  const listed = deviceGroups.listed.slice(0, MAX_NAMES_LISTED).map(name => JSON.stringify(name))
  const more = deviceGroups.listed.length > MAX_NAMES_LISTED ? ` and ${deviceGroups.listed.length - MAX_NAMES_LISTED} more` : ''
  for (const name of deviceGroups.missing) {
    const why =
      'the API does not list this group (renamed, deleted, or misspelt in device-groups); ' +
      `it lists ${listed.join(', ') || 'no group'}${more}`
    checks.push({ ...unevaluated(input, maxGroup, why, `Device group ${JSON.stringify(name)}`), subject: name })
  }
  return checks
}

function exploitableCheck({ vulnerabilities, maxExploitableVulnerabilities: limit }: GateFacts): Check[] {
  const input = 'max-exploitable-vulnerabilities'
  if (limit === undefined) {
    return []
  }
  if (vulnerabilities?.kind !== 'read') {
    const reason = vulnerabilities?.reason ?? 'the vulnerabilities were not read'
    return [unevaluated(input, limit, reason, 'Exploitable vulnerabilities')]
  }
  const { count, severity } = vulnerabilities
  const passed = count <= limit
  const what = `${plainDecimal(count)} exploitable ${severityRange(severity)} ${count === 1 ? 'vulnerability' : 'vulnerabilities'}`
  return [
    {
      input,
      limit,
      value: count,
      passed,
      message: passed ? `${capitalised(what)}: within ${input} ${limit}.` : `${capitalised(what)}: more than ${input} ${limit}.`
    }
  ]
}

function newExploitableCheck({ vulnerabilities, maxNewExploitableVulnerabilities: limit }: GateFacts): Check[] {
  const input = 'max-new-exploitable-vulnerabilities'
  const what = 'Newly exploitable vulnerabilities'
  if (limit === undefined) {
    return []
  }
  if (vulnerabilities?.kind !== 'read') {
    return [unevaluated(input, limit, vulnerabilities?.reason ?? 'the vulnerabilities were not read', what)]
  }
  const { changes, severity } = vulnerabilities
  switch (changes.kind) {
    case 'untracked':
      return [unevaluated(input, limit, 'no history is kept (set history-file or history-branch)', what)]
    case 'unknown':
      return [unevaluated(input, limit, changes.reason, what)]
    case 'first':
      return [{ input, limit, value: undefined, passed: true, note: changes.note, message: `${input}: ${changes.note}.` }]
    case 'compared': {
      const added = changes.added.length
      const passed = added <= limit
      const since = `since the previous reading (${changes.since})`
      const count = `${plainDecimal(added)} ${severityRange(severity)} ${added === 1 ? 'vulnerability' : 'vulnerabilities'}`
      return [
        {
          input,
          limit,
          value: added,
          passed,
          message: passed
            ? `${capitalised(count)} became exploitable ${since}: within ${input} ${limit}.`
            : `${capitalised(count)} became exploitable ${since}, more than ${input} ${limit}.`
        }
      ]
    }
  }
}

/** `critical`, or `high or critical`: the severities counted. */
export function severityRange(severity: Severity): string {
  return severity === 'critical' ? 'critical' : severity === 'high' ? 'high or critical' : `${severity} or higher`
}

function capitalised(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`
}

function unevaluated(input: CheckInput, limit: number, reason: string, what: string): Check {
  const why = reason.replace(/\.+$/, '')
  return { input, limit, value: undefined, passed: false, unevaluated: why, message: `${what} (${input}) ${COULD_NOT}: ${why}.` }
}

export function checksPassed(checks: Check[]): boolean {
  return checks.every(check => check.passed)
}

export type ExposureLevel = 'low' | 'medium' | 'high'

/** Microsoft's bands: 0-29 low, 30-69 medium, 70-100 high. */
export function exposureLevel(exposure: number): ExposureLevel {
  return exposure < 30 ? 'low' : exposure < 70 ? 'medium' : 'high'
}
