/**
 * The exploitable vulnerabilities (Vulnerability.Read.All), read page by page as they arrive, when
 * listed or a check needs them; a failure is then the checks' that need them, not the tenant's.
 */
import type { Source } from '../source.js'
import { VULNERABILITY_PERMISSION, type Severity } from './answers.js'
import { readVulnerabilities, type ExploitableVulnerabilities } from './read.js'

export const vulnerabilitiesSource: Source<Severity | undefined, ExploitableVulnerabilities> = {
  name: 'Exploitable vulnerabilities',
  permission: VULNERABILITY_PERMISSION,
  wanted: severity => severity !== undefined,
  failure: 'check',
  read: (api, severity) => readVulnerabilities(api, severity ?? 'critical')
}
