/**
 * Every check, one line each, in the order the summary lists them. A check is a module of this
 * folder and a line here (and its input in action.yml): the inputs, the tenant-id keys, the sources
 * read for it and the history it needs all come from here.
 */
import type { SourceId } from '../sources/registry.js'
import type { Check, CheckDefinition, CheckFacts, Measure } from './check.js'
import { maxDeviceGroupExposureScore } from './max-device-group-exposure-score.js'
import { maxDrop } from './max-drop.js'
import { maxExploitableVulnerabilities } from './max-exploitable-vulnerabilities.js'
import { maxExposureScore } from './max-exposure-score.js'
import { maxNewExploitableVulnerabilities } from './max-new-exploitable-vulnerabilities.js'
import { maxExploitableVulnerabilityAgeDays } from './max-exploitable-vulnerability-age-days.js'
import { minScore } from './min-score.js'
import { maxActiveDevicesDropPercent } from './max-active-devices-drop-percent.js'
import { minActiveDevicesPercent } from './min-active-devices-percent.js'

export const CHECKS = [
  minScore,
  maxExposureScore,
  maxDrop,
  maxDeviceGroupExposureScore,
  maxExploitableVulnerabilities,
  maxNewExploitableVulnerabilities,
  maxExploitableVulnerabilityAgeDays,
  minActiveDevicesPercent,
  maxActiveDevicesDropPercent
] as const satisfies readonly CheckDefinition[]

export type CheckId = (typeof CHECKS)[number]['id']
export const CHECK_IDS: readonly CheckId[] = CHECKS.map(check => check.id)

/** A tenant's limits, by check: a check without one is not evaluated. */
export type Limits = Readonly<Partial<Record<CheckId, number>>>

/** The check of an ID. */
export function checkDefinition(id: string): CheckDefinition | undefined {
  return CHECKS.find(check => check.id === id)
}

/** Every check whose limit is set, in the registry's order. */
export function evaluateChecks(facts: CheckFacts, limits: Limits): Check[] {
  return CHECKS.flatMap(check => {
    const limit = limits[check.id]
    return limit === undefined ? [] : check.evaluate(facts, limit)
  })
}

/** The sources the set checks are evaluated on: read whatever else is asked. */
export function neededSources(limits: Limits): Set<SourceId> {
  return new Set(CHECKS.flatMap(check => (limits[check.id] === undefined ? [] : check.needs.sources)))
}

/** A tenant's limit on the check that compares `measure`, when it has one. */
export function limitFor(limits: Limits, measure: Measure): number | undefined {
  const check = CHECKS.find(definition => definition.measure === measure)
  return check && limits[check.id]
}

/** The limit of the check that compares `measure`, when it is among `checks`. */
export function limitOf(checks: Check[], measure: Measure): number | undefined {
  return checks.find(check => checkDefinition(check.input)?.measure === measure)?.limit
}
