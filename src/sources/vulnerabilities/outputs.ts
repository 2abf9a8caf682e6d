/** The exploitable vulnerabilities' step outputs (action.yml declares them; ../../report/outputs.ts lists them with the others). */
import { isOverdue } from './overdue.js'
import type { VulnerabilityReport } from './changes.js'

export const VULNERABILITY_OUTPUTS = ['exploitable-vulnerabilities', 'overdue-vulnerabilities'] as const

/** How many count, and how many are open longer than `maxAge` (max-exploitable-vulnerability-age-days); empty when not read or not checked. */
export function vulnerabilityOutputs(
  report: VulnerabilityReport | undefined,
  maxAge: number | undefined
): Record<(typeof VULNERABILITY_OUTPUTS)[number], string> {
  const read = report?.kind === 'read' ? report : undefined
  const overdue =
    read === undefined || maxAge === undefined ? '' : String([...read.ages.values()].filter(age => isOverdue(age, maxAge)).length)
  return { 'exploitable-vulnerabilities': read ? String(read.count) : '', 'overdue-vulnerabilities': overdue }
}
