/**
 * What is overdue against a remediation deadline: one decision for the check, the report's order, the
 * table's mark and the output. Its own module, importing no code, as the check loads with the inputs
 * (on every run's critical path) and ./age.ts only after the readings.
 */
import type { VulnerabilityAge } from './age.js'

/** Open longer than `maxAge` days (max-exploitable-vulnerability-age-days): false when not dated or no deadline is set. */
export function isOverdue(age: VulnerabilityAge | undefined, maxAge: number | undefined): boolean {
  return maxAge !== undefined && age?.ageDays !== undefined && age.ageDays > maxAge
}
