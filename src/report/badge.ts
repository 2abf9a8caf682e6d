/**
 * The badge: an SVG file in shields.io's "flat" look, and a static shields.io URL for places that
 * cannot host a file (the pull-request comment). The SVG is drawn here, from shields' own layout and
 * a width table of Verdana 11px for printable ASCII (what a badge of this action holds: a fixed label
 * and a number), rather than with badge-maker, whose font tables are 957 KB that every badge run
 * would load. badge-maker stays a dev dependency: tests compare the two (test/unit/badge.test.ts).
 */
import { writeWorkspaceFile } from '../files/workspace.js'
import { redactSecrets } from '../secrets.js'
import type { BadgeSpec } from './model.js'

/** Colours of badge-maker's named colours, for the three a badge uses. */
const COLORS: Record<BadgeSpec['color'], string> = { green: '#67ac09', red: '#dd4343', lightgrey: '#939393' }
const LABEL_COLOR = '#555'
const HORIZONTAL_PADDING = 5

/**
 * Advance widths of Verdana 11px, in hundredths of a pixel, of the characters U+0020 to U+007E, as
 * shields.io measures them (anafanafo's table). Other characters count as the widest.
 */
const ASCII_WIDTHS = [
  387, 433, 505, 900, 699, 1184, 799, 295, 500, 500, 699, 900, 400, 500, 400, 500, 699, 699, 699, 699, 699, 699, 699, 699, 699, 699, 500,
  500, 900, 900, 900, 600, 1100, 752, 754, 768, 848, 696, 632, 853, 827, 463, 500, 762, 612, 927, 823, 866, 663, 866, 765, 752, 678, 805,
  752, 1088, 754, 677, 754, 500, 500, 500, 900, 699, 699, 661, 685, 573, 685, 655, 387, 685, 696, 302, 379, 651, 302, 1070, 696, 668, 685,
  685, 469, 573, 433, 696, 651, 900, 651, 651, 578, 698, 500, 698, 900
]
const WIDEST = Math.max(...ASCII_WIDTHS)

/**
 * The width shields gives a text: its advance width, rounded down, then up to an odd number of
 * pixels. Summed in pixels, in order, as shields does, so that its rounding is the same to the bit.
 */
export function textWidth(text: string): number {
  let pixels = 0
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0
    pixels += (code >= 0x20 && code <= 0x7e ? (ASCII_WIDTHS[code - 0x20] ?? WIDEST) : WIDEST) / 100
  }
  const width = Math.trunc(pixels)
  return width % 2 === 0 ? width + 1 : width
}

/** The SVG of a flat badge, as badge-maker draws it. */
export function renderBadge(badge: BadgeSpec): string {
  const labelWidth = textWidth(badge.label)
  const messageWidth = textWidth(badge.message)
  const leftWidth = labelWidth + 2 * HORIZONTAL_PADDING
  const width = leftWidth + messageWidth + 2 * HORIZONTAL_PADDING
  const title = escapeXml(`${badge.label}: ${badge.message}`)
  const text = (content: string, left: number, contentWidth: number): string => {
    const x = 10 * (left + 0.5 * contentWidth + HORIZONTAL_PADDING)
    const length = 10 * contentWidth
    const escaped = escapeXml(content)
    return (
      `<g transform="scale(.1)"><g aria-hidden="true" fill="#010101">` +
      `<text x="${x}" y="150" fill-opacity=".8" filter="url(#blur)" textLength="${length}">${escaped}</text>` +
      `<text x="${x}" y="150" fill-opacity=".3" textLength="${length}">${escaped}</text></g>` +
      `<text x="${x}" y="140" textLength="${length}">${escaped}</text></g>`
    )
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${title}"><title>${title}</title>` +
    `<filter id="blur"><feGaussianBlur stdDeviation="16"/></filter>` +
    `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>` +
    `<clipPath id="r"><rect width="${width}" height="20" rx="3"/></clipPath>` +
    `<g clip-path="url(#r)"><rect width="${leftWidth}" height="20" fill="${LABEL_COLOR}"/>` +
    `<rect x="${leftWidth}" width="${width - leftWidth}" height="20" fill="${COLORS[badge.color]}"/>` +
    `<rect width="${width}" height="20" fill="url(#s)"/></g>` +
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110">` +
    text(badge.label, 1, labelWidth) +
    text(badge.message, leftWidth - 1, messageWidth) +
    `</g></svg>`
  )
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, character => `&#${character.charCodeAt(0)};`)
}

/** Writes the SVG badge into the workspace. */
export async function writeBadge(path: string, workspace: string, badge: BadgeSpec): Promise<void> {
  await writeWorkspaceFile(
    path,
    workspace,
    renderBadge({ ...badge, label: redactSecrets(badge.label), message: redactSecrets(badge.message) })
  )
}

/**
 * A tenant's label as a file name for badge-file's `{tenant}`: letters, digits, `.`, `_` and `-`
 * kept, runs of anything else one `-`; `tenant-N` (its place in tenant-id) when nothing is left.
 */
export function badgeFileName(label: string, index: number): string {
  const safe = label
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 100)
  return safe || `tenant-${index + 1}`
}

/** A shields.io static badge: an image URL that needs no hosting. */
export function staticBadgeUrl(badge: BadgeSpec): string {
  const part = (text: string): string => encodeURIComponent(text.replace(/-/g, '--').replace(/_/g, '__'))
  return `https://img.shields.io/badge/${part(badge.label)}-${part(badge.message)}-${badge.color}`
}
