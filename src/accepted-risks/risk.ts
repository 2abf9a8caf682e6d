/** An accepted risk as the file gives it, validated (./file.ts), and where the file was read. */

/** How an entry names a device group: `device-group:<name>`. */
export const DEVICE_GROUP_PREFIX = 'device-group:'

export interface AcceptedRisk {
  /** Its place in the file, from 1: messages name it. */
  entry: number
  /** As the file writes it. */
  id: string
  /** A vulnerability or recommendation ID (an item), or a device group (`device-group:<name>`). */
  kind: 'item' | 'device group'
  /** The item's ID, or the group's name. */
  name: string
  reason: string
  owner: string
  /** The last day it applies (UTC), YYYY-MM-DD. */
  expires: string
  /** The tenant it applies to (its ID as tenant-id gives it); undefined for every tenant. */
  tenant: string | undefined
  /** That tenant's label, as the file may have named it. */
  tenantLabel: string | undefined
}

/** The file as a run uses it. */
export interface AcceptedRisks {
  /** Where it was read: ".github/accepted-risks.yml from main at 1a2b3c4". */
  where: string
  risks: AcceptedRisk[]
  /** The run's day (UTC), YYYY-MM-DD: an entry whose expiry is before it has expired. */
  today: string
  /** Days before its expiry from which an entry gives a warning. */
  warnDays: number
}

export function isExpired(risk: AcceptedRisk, today: string): boolean {
  return risk.expires < today
}
