/** The coverage section of a tenant's report: how many onboarded devices still report, and which stopped. */
import { formatPoints, plainDecimal } from '../../format.js'
import { leftOut } from '../../report/fit.js'
import { inlineText, MAX_REASON_CHARS, timeText } from '../../report/inline.js'
import type { CoverageReading } from '../registry.js'
import { activePercent, HEALTH_STATUSES, type Coverage } from './answers.js'

/** A count as people read it: 1,180. */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US')
}

/** "1,180 of 1,240 onboarded devices active (95.16%)". */
export function activeDevices(coverage: Pick<Coverage, 'onboarded' | 'active'>): string {
  const percent = activePercent(coverage)
  return (
    `${formatCount(coverage.active)} of ${formatCount(coverage.onboarded)} onboarded devices active` +
    (percent === undefined ? '' : ` (${formatPoints(percent)}%)`)
  )
}

/** Why coverage matters, said once a document: in a tenant's own report, or under the table of many tenants. */
export const COVERAGE_CAVEAT =
  '<sub>Microsoft leaves devices that have not been active for 30 days out of the device secure score and the exposure score: ' +
  'a device that stops reporting can raise the score.</sub>'

/** `caveat`: whether this section says {@link COVERAGE_CAVEAT} (a tenant's own report does; a tenant's details among many do not). */
export function coverageSection(
  devices: CoverageReading | undefined,
  rows: number,
  where: string,
  level: number,
  caveat: boolean
): string[] {
  if (devices === undefined) {
    return []
  }
  const heading = `${'#'.repeat(level)} Coverage`
  const note = caveat ? [COVERAGE_CAVEAT, ''] : []
  if (devices.kind === 'unavailable') {
    return [heading, '', `Could not be read: ${inlineText(devices.reason, MAX_REASON_CHARS)}`, '', ...note]
  }
  const { coverage } = devices
  const statuses = [
    ...HEALTH_STATUSES,
    ...Object.keys(coverage.byHealthStatus)
      .filter(status => !HEALTH_STATUSES.includes(status))
      .sort()
  ]
  const stale = coverage.stale.slice(0, rows).map(device => {
    const lastSeen = device.lastSeen === null ? 'never' : timeText(device.lastSeen)
    return `| ${inlineText(device.name)} | ${lastSeen} | ${inlineText(device.healthStatus)} | ${inlineText(device.platform)} | ${inlineText(device.group)} |`
  })
  const unlisted = coverage.staleCount - coverage.stale.length
  return [
    heading,
    '',
    `${activeDevices(coverage)}.${coverage.canBeOnboarded > 0 ? ` ${formatCount(coverage.canBeOnboarded)} discovered ${coverage.canBeOnboarded === 1 ? 'device' : 'devices'} can be onboarded.` : ''}`,
    '',
    '| Health status | Onboarded devices |',
    '|---|---|',
    ...statuses.map(status => `| ${inlineText(status)} | ${plainDecimal(coverage.byHealthStatus[status] ?? 0)} |`),
    '',
    ...(coverage.staleCount === 0
      ? [`No onboarded device has gone ${coverage.staleAfterDays} days without a full report.`, '']
      : [
          `**${formatCount(coverage.staleCount)} stale ${coverage.staleCount === 1 ? 'device' : 'devices'}** (no full report for ${coverage.staleAfterDays} days or more), longest silent first:`,
          '',
          '| Device | Last seen | Health status | Platform | Device group |',
          '|---|---|---|---|---|',
          ...stale,
          '',
          ...leftOut(coverage.stale.length - stale.length, where),
          ...(unlisted > 0
            ? [
                `And ${formatCount(unlisted)} more, not listed: a report lists the ${formatCount(coverage.stale.length)} longest silent.`,
                ''
              ]
            : [])
        ]),
    ...note
  ]
}
