/** The exploitable vulnerabilities' part of report-json (its schema: ../../report/report-json.ts). */
import { capText, REPORT_LIST_CAP, type VulnerabilitiesJson } from '../../report/report-json.js'
import type { VulnerabilityReport } from './changes.js'

/**
 * The exploitable vulnerabilities: null when not read; with `error` when a check needed them and they
 * could not be read; `new` and `fixed` are null when there was nothing to compare with.
 */
export function vulnerabilitiesJson(vulnerabilities: VulnerabilityReport | undefined): VulnerabilitiesJson | null {
  if (vulnerabilities === undefined) {
    return null
  }
  if (vulnerabilities.kind === 'unavailable') {
    return { severity: vulnerabilities.severity, count: null, items: [], new: null, fixed: null, error: capText(vulnerabilities.reason) }
  }
  const { changes } = vulnerabilities
  const compared = changes.kind === 'compared'
  const ids = (list: string[]) => list.slice(0, REPORT_LIST_CAP).map(id => capText(id))
  return {
    severity: vulnerabilities.severity,
    count: vulnerabilities.count,
    underException: vulnerabilities.underException,
    accepted: vulnerabilities.accepted,
    items: vulnerabilities.listed.map(item => ({
      id: capText(item.id),
      severity: item.severity,
      cvssV3: item.cvssV3 ?? null,
      epss: item.epss ?? null,
      exposedMachines: item.exposedMachines,
      publicExploit: item.publicExploit,
      exploitVerified: item.exploitVerified,
      exploitInKit: item.exploitInKit,
      partialException: item.partialException,
      firstDetected: vulnerabilities.ages.get(item.id)?.since ?? null,
      ageDays: vulnerabilities.ages.get(item.id)?.ageDays ?? null
    })),
    since: compared ? changes.since : null,
    new: compared ? ids(changes.added) : null,
    newOmitted: compared ? Math.max(0, changes.added.length - REPORT_LIST_CAP) : null,
    fixed: compared ? ids(changes.removed) : null,
    fixedOmitted: compared ? Math.max(0, changes.removed.length - REPORT_LIST_CAP) : null
  }
}
