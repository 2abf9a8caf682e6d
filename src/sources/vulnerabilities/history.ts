/** What a history line keeps of the exploitable vulnerabilities: their bounded record (./changes.ts), in the newest line only. */
import type { HistoryRecord } from '../history-record.js'
import { readVulnerabilityRecord, vulnerabilityRecord, type VulnerabilityRecord } from './changes.js'
import type { VulnerabilityReading } from './read.js'

export const vulnerabilitiesHistory: HistoryRecord<VulnerabilityReading, { vulnerabilities: VulnerabilityRecord | null }> = {
  // Every present item, counted or not (under an exception, accepted): one that leaves the count is not "fixed".
  write: reading =>
    reading.kind === 'read'
      ? { vulnerabilities: vulnerabilityRecord(reading.severity, [...reading.exploitable, ...reading.underException, ...reading.accepted]) }
      : undefined,
  read: line => (line['vulnerabilities'] === undefined ? {} : { vulnerabilities: readVulnerabilityRecord(line['vulnerabilities']) }),
  newestOnly: ['vulnerabilities']
}
