/**
 * What the accepted risks do to a tenant's reading, before any check sees it: an accepted item leaves
 * the count it would break, an expired entry leaves it in. Each source whose items can be accepted is
 * one entry of {@link ACCEPTABLE}; the checks are not touched, as they decide on what is left. Pure.
 */
import { CHECKS, type Limits } from '../checks/registry.js'
import type { DefenderReadings, SourceId } from '../sources/registry.js'
import { isExpired, type AcceptedRisk, type AcceptedRisks } from './risk.js'

/** An item of a tenant's reading that an entry names. */
export interface AcceptedItem {
  risk: AcceptedRisk
  /** The item as the API names it: a vulnerability's or recommendation's ID, a device group's name. */
  item: string
  /** The checks it is left out of (or was, before the entry expired), or the list it is left out of when no check counts it. */
  leftOutOf: string[]
  /** The entry has expired: the item counts again. */
  expired: boolean
}

/** What the file did to one tenant: the items accepted, the expired entries that would have, and the entries no tenant used. */
export interface TenantAcceptance {
  where: string
  items: AcceptedItem[]
  /** Entries that apply to this tenant and matched nothing in the whole run: stale acceptances to remove. */
  unused: AcceptedRisk[]
}

/** A source whose items an entry may name. */
interface Acceptable<K extends SourceId> {
  kind: AcceptedRisk['kind']
  /** What its items are left out of when no check of the tenant counts them. */
  list: string
  /** The names of its items in a reading, as an entry matches them. */
  names(reading: NonNullable<DefenderReadings[K]>): string[]
  /** The reading without the items `accepted` says yes to. */
  without(reading: NonNullable<DefenderReadings[K]>, accepted: (name: string) => boolean): NonNullable<DefenderReadings[K]>
}

type AcceptableSources = { [K in SourceId]?: Acceptable<K> }

export const ACCEPTABLE = {
  vulnerabilities: {
    kind: 'item',
    list: 'the exploitable vulnerabilities counted',
    names: reading => (reading.kind === 'read' ? reading.exploitable.map(item => item.id) : []),
    without: (reading, accepted) =>
      reading.kind === 'read'
        ? {
            ...reading,
            exploitable: reading.exploitable.filter(item => !accepted(item.id)),
            accepted: [...reading.accepted, ...reading.exploitable.filter(item => accepted(item.id))]
          }
        : reading
  },
  recommendations: {
    kind: 'item',
    list: 'the top recommendations',
    names: reading => reading.active.map(item => item.id),
    without: (reading, accepted) => ({
      ...reading,
      active: reading.active.filter(item => !accepted(item.id)),
      accepted: [...reading.accepted, ...reading.active.filter(item => accepted(item.id))]
    })
  },
  deviceGroups: {
    kind: 'device group',
    list: 'the device groups gated',
    names: reading => reading.groups.map(group => group.name),
    without: (reading, accepted) => ({
      ...reading,
      groups: reading.groups.filter(group => !accepted(group.name)),
      accepted: [...reading.accepted, ...reading.groups.filter(group => accepted(group.name))]
    })
  }
} satisfies AcceptableSources

/** How names are compared: Unicode NFC and case-folded (CVE IDs and group names alike). */
function nameKey(name: string): string {
  return name.normalize('NFC').toUpperCase().toLowerCase()
}

/** A tenant's reading with the accepted items left out, the items each entry matched, and the entries that matched. */
export function acceptRisks(
  file: AcceptedRisks,
  tenant: { id: string; limits: Limits },
  readings: DefenderReadings
): { readings: DefenderReadings; items: AcceptedItem[]; matched: Set<number> } {
  const risks = file.risks.filter(risk => risk.tenant === undefined || risk.tenant === tenant.id)
  const items: AcceptedItem[] = []
  const matched = new Set<number>()
  let accepted = readings
  for (const [id, source] of Object.entries(ACCEPTABLE) as Array<[keyof typeof ACCEPTABLE, Acceptable<keyof typeof ACCEPTABLE>]>) {
    const reading = accepted[id]
    if (reading === undefined) {
      continue
    }
    const byName = new Map(risks.filter(risk => risk.kind === source.kind).map(risk => [nameKey(risk.name), risk]))
    const checks = CHECKS.filter(check => tenant.limits[check.id] !== undefined && check.needs.sources.some(needed => needed === id)).map(
      check => check.id
    )
    const applying = new Set<string>()
    for (const name of source.names(reading)) {
      const risk = byName.get(nameKey(name))
      if (risk === undefined) {
        continue
      }
      const expired = isExpired(risk, file.today)
      matched.add(risk.entry)
      items.push({ risk, item: name, leftOutOf: checks.length > 0 ? checks : [source.list], expired })
      if (!expired) {
        applying.add(nameKey(name))
      }
    }
    if (applying.size > 0) {
      accepted = { ...accepted, [id]: source.without(reading, name => applying.has(nameKey(name))) }
    }
  }
  return { readings: accepted, items, matched }
}

/** Annotations the file gives once a run: expired entries, those about to expire, and those nothing matched. */
export function acceptanceNotes(
  file: AcceptedRisks,
  used: ReadonlySet<number>
): { warnings: string[]; notices: string[]; unused: AcceptedRisk[] } {
  const warnings: string[] = []
  const unused: AcceptedRisk[] = []
  for (const risk of file.risks) {
    const name = `accepted-risks entry ${risk.entry} (${JSON.stringify(risk.id)}${risk.tenantLabel ? `, tenant ${JSON.stringify(risk.tenantLabel)}` : ''})`
    if (isExpired(risk, file.today)) {
      warnings.push(
        `${name}: accepted by ${JSON.stringify(risk.owner)} until ${risk.expires}, expired${used.has(risk.entry) ? '; the item counts again' : ''}. ` +
          'Fix it, renew the entry with a new date, or remove it.'
      )
      continue
    }
    const daysLeft = Math.round((Date.parse(risk.expires) - Date.parse(file.today)) / 86_400_000)
    if (daysLeft <= file.warnDays) {
      warnings.push(
        `${name}: accepted by ${JSON.stringify(risk.owner)} until ${risk.expires}, expires in ${daysLeft} day${daysLeft === 1 ? '' : 's'} ` +
          `(accepted-risks-warn-days ${file.warnDays}). Fix it, or renew the entry.`
      )
    }
    if (!used.has(risk.entry)) {
      unused.push(risk)
    }
  }
  const notices = unused.map(
    risk =>
      `accepted-risks entry ${risk.entry} (${JSON.stringify(risk.id)}) matched nothing in this run: ` +
      'the item is fixed, renamed or not read. Remove the entry if it is no longer needed.'
  )
  return { warnings, notices, unused }
}
