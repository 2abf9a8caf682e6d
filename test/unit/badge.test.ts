/** The badge: drawn without badge-maker, and checked against it (badge-maker is the oracle, a dev dependency). */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { makeBadge } from 'badge-maker'
import fc from 'fast-check'
import { XMLValidator } from 'fast-xml-parser'
import { renderBadge, textWidth } from '../../src/report/badge.js'
import type { BadgeSpec } from '../../src/report/model.js'

/** The textLength badge-maker gives each text of a badge, in pixels. */
function oracleWidths(svg: string): number[] {
  return [...svg.matchAll(/<text x="[\d.]+" y="140" textLength="(\d+)"/g)].map(match => Number(match[1]) / 10)
}

function printable(maxLength: number): fc.Arbitrary<string> {
  const character = fc.integer({ min: 0x20, max: 0x7e }).map(code => String.fromCharCode(code))
  return fc.string({ unit: character, minLength: 1, maxLength }).filter(text => text.trim() === text && text.length > 0)
}

describe('badge', () => {
  it('is the very SVG badge-maker draws, for every badge the action makes', () => {
    for (const color of ['green', 'red', 'lightgrey'] as const) {
      for (const message of ['0', '340', '339.99', '1000000000000000000000', '-12.5', '7']) {
        const badge: BadgeSpec = { label: 'device secure score', message, color }
        assert.equal(renderBadge(badge), makeBadge(badge), `${color} ${message}`)
      }
    }
  })

  it('measures any printable ASCII text as badge-maker does (the promise is 1 px; it is exact), and stays well-formed XML', () => {
    fc.assert(
      // badge-maker trims the texts; the action's never start or end with a space.
      fc.property(printable(60), printable(30), (label, message) => {
        const badge: BadgeSpec = { label, message, color: 'green' }
        const ours = renderBadge(badge)
        assert.equal(XMLValidator.validate(ours), true, ours)
        const [labelWidth, messageWidth] = oracleWidths(makeBadge(badge))
        assert.equal(textWidth(badge.label), labelWidth, `label ${JSON.stringify(badge.label)}`)
        assert.equal(textWidth(message), messageWidth, `message ${JSON.stringify(message)}`)
      }),
      { numRuns: 500 }
    )
  })
})
