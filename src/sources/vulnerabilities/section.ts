/** The exploitable vulnerabilities' section of a tenant's report: how many, what changed (the new ones first), the first to fix. */
import { formatPoints, plainDecimal } from '../../format.js'
import { leftOut } from '../../report/fit.js'
import { inlineText, MAX_REASON_CHARS, timeText } from '../../report/inline.js'
import { isOverdue } from './overdue.js'
import { exploitKind, isCveId, severityRange } from './answers.js'
import type { VulnerabilityReport } from './changes.js'

/** IDs a line of new or no longer exploitable vulnerabilities names at most. */
const NAMED_CHANGES = 20

/** The exploitable vulnerabilities: how many, what changed (the new ones first), then the first to fix. */
/** `maxAge`: max-exploitable-vulnerability-age-days, when set: the overdue are marked (and listed first by the report). */
export function vulnerabilitiesSection(
  vulnerabilities: VulnerabilityReport | undefined,
  maxAge: number | undefined,
  rows: number,
  where: string,
  level: number
): string[] {
  if (!vulnerabilities) {
    return []
  }
  const heading = `${'#'.repeat(level)} Exploitable vulnerabilities (${severityRange(vulnerabilities.severity)})`
  if (vulnerabilities.kind === 'unavailable') {
    return [heading, '', `Could not be read: ${inlineText(vulnerabilities.reason, MAX_REASON_CHARS)}`, '']
  }
  const { count, changes, listed, added } = vulnerabilities
  const counted =
    count === 0
      ? 'No vulnerability at this severity has a known exploit on a device.'
      : `${plainDecimal(count)} ${count === 1 ? 'vulnerability has' : 'vulnerabilities have'} a known exploit (public, verified or in an exploit kit) and ${count === 1 ? 'is' : 'are'} on at least one device.`
  const leftOutOfCount = [
    ...(vulnerabilities.underException > 0 ? [`${plainDecimal(vulnerabilities.underException)} under an exception in Defender`] : []),
    ...(vulnerabilities.accepted > 0 ? [`${plainDecimal(vulnerabilities.accepted)} accepted in accepted-risks`] : [])
  ]
  const notCounted = leftOutOfCount.length > 0 ? [`Not counted: ${leftOutOfCount.join('; ')}.`, ''] : []
  const newlyNamed = added.map(item => item.id)
  const change =
    changes.kind === 'compared'
      ? [
          changes.added.length === 0
            ? `None became exploitable since the previous reading (${timeText(changes.since)}).`
            : `**New since the previous reading** (${timeText(changes.since)}): ${namedIds(newlyNamed)}.`,
          ...(changes.removed.length > 0 ? [`No longer exploitable: ${namedIds(changes.removed)}.`] : [])
        ]
      : changes.kind === 'first'
        ? [`New ones: ${inlineText(changes.note, MAX_REASON_CHARS)}.`]
        : changes.kind === 'unknown'
          ? [`Which are new could not be told: ${inlineText(changes.reason, MAX_REASON_CHARS)}.`]
          : []
  const isNew = new Set(newlyNamed)
  const shown = listed.slice(0, rows).map(item => {
    const mark = `${isNew.has(item.id) ? ' 🆕' : ''}${item.partialException ? ' (partial exception in Defender)' : ''}`
    const epss = item.epss === undefined ? '' : `${formatPoints(item.epss * 100)}%`
    const cvss = item.cvssV3 === undefined ? '' : formatPoints(item.cvssV3)
    const age = vulnerabilities.ages.get(item.id)
    const open =
      age?.ageDays === undefined ? 'not dated' : `${plainDecimal(age.ageDays)} days${age.from === 'history' ? ' (by the history)' : ''}`
    const overdue = isOverdue(age, maxAge) ? ' ⏰ **overdue**' : ''
    return `| ${vulnerabilityId(item.id)}${mark} | ${item.severity} | ${cvss} | ${epss} | ${plainDecimal(item.exposedMachines)} | ${exploitKind(item)} | ${open}${overdue} |`
  })
  const table =
    shown.length > 0
      ? [
          maxAge === undefined
            ? `The first ${shown.length} to fix (a verified exploit or one in a kit first, then by EPSS, CVSS and exposed devices):`
            : `The first ${shown.length} to fix (open longer than max-exploitable-vulnerability-age-days ${maxAge} first, then a verified exploit or one in a kit, then by EPSS, CVSS and exposed devices):`,
          '',
          '| Vulnerability | Severity | CVSS | EPSS | Exposed devices | Exploit | Open for |',
          '|---|---|---|---|---|---|---|',
          ...shown,
          '',
          ...leftOut(listed.length - shown.length, where)
        ]
      : []
  return [heading, '', counted, '', ...notCounted, ...change.flatMap(line => [line, '']), ...table]
}

/** The first {@link NAMED_CHANGES} IDs, then how many more. */
function namedIds(ids: string[]): string {
  const more = ids.length - NAMED_CHANGES
  return `${ids.slice(0, NAMED_CHANGES).map(vulnerabilityId).join(', ')}${more > 0 ? ` and ${plainDecimal(more)} more` : ''}`
}

/** A CVE ID links to its record at cve.org, a link the action makes from the checked shape alone; any other ID is inert text. */
function vulnerabilityId(id: string): string {
  return isCveId(id) ? `[${id}](https://www.cve.org/CVERecord?id=${id})` : inlineText(id, 64)
}
