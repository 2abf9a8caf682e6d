/** The accepted risks' section of a tenant's report: where the file was read, each item it left out (or no longer does), and unused entries. */
import { plainDecimal } from '../format.js'
import { leftOut } from '../report/fit.js'
import { inlineText } from '../report/inline.js'
import type { TenantAcceptance } from './apply.js'

/** Entries an unused line names at most. */
const NAMED_UNUSED = 20

export function acceptedRisksSection(acceptance: TenantAcceptance | undefined, rows: number, where: string, level: number): string[] {
  if (!acceptance) {
    return []
  }
  const heading = `${'#'.repeat(level)} Accepted risks`
  const from = `From ${inlineText(acceptance.where)}.`
  const { items, unused } = acceptance
  const shown = items.slice(0, rows).map(({ risk, item, leftOutOf, expired }) => {
    const expires = expired ? `${risk.expires}, **expired**: counts again` : risk.expires
    const left = expired ? '' : leftOutOf.map(name => inlineText(name)).join(', ')
    return `| ${inlineText(item, 64)} | ${left} | ${inlineText(risk.owner)} | ${inlineText(risk.reason)} | ${expires} |`
  })
  const table =
    shown.length > 0
      ? [
          '| Item | Left out of | Owner | Reason | Expires |',
          '|---|---|---|---|---|',
          ...shown,
          '',
          ...leftOut(items.length - shown.length, where)
        ]
      : ['No entry applies to what was read of this tenant.', '']
  const named = unused.slice(0, NAMED_UNUSED).map(risk => `${risk.entry} (${inlineText(risk.id, 64)})`)
  const more = unused.length > NAMED_UNUSED ? ` and ${plainDecimal(unused.length - NAMED_UNUSED)} more` : ''
  const stale =
    unused.length > 0
      ? [`Unused, matched nothing in this run (remove them if no longer needed): entries ${named.join(', ')}${more}.`, '']
      : []
  return [heading, '', from, '', ...table, ...stale]
}
