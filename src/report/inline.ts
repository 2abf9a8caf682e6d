/**
 * Text from outside (the API, the history, GitHub), made inert for GitHub Markdown: the one sanitiser
 * every Markdown body uses. Secrets are cut out first (../secrets.ts), before anything is escaped, so
 * that no escape can hide one.
 */
import { isIsoDateTime } from '../json.js'
import { redactSecrets } from '../secrets.js'

/** Longest reason shown in a cell: a failure message of GitHub's can be long. */
export const MAX_REASON_CHARS = 400

/** Longest text from outside shown in one cell; longer is cut with an ellipsis. */
export const MAX_CELL_CHARS = 120

/**
 * Text from outside, inert in GitHub Markdown: control characters shown as escapes, Markdown and
 * HTML punctuation backslash-escaped (no link, image, emphasis, HTML or table break), and mentions
 * (`@team`), issue references (`#1`, `owner/repo#2`, `GH-3`) and bare URLs broken with a zero-width
 * space so they neither ping nor link.
 */
export function inlineText(text: string, maxChars = MAX_CELL_CHARS): string {
  const redacted = redactSecrets(text)
  // Code points, not UTF-16 units, are counted; a text no longer in units than the cap has no more code points.
  const characters = redacted.length > maxChars ? [...redacted] : undefined
  const cut = characters && characters.length > maxChars ? `${characters.slice(0, maxChars - 1).join('')}…` : redacted
  return (
    cut
      // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point: they are shown, not obeyed.
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, character => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`)
      .replace(/[\\`*_{}[\]()<>|!~&#$]/g, character => `\\${character}`)
      .replace(/@/g, '@\u200b')
      // #1, owner/repo#2 and GH-3 would link, and put a cross-reference on that timeline (references are numbers).
      .replace(/#(?=\d)/g, '#\u200b')
      .replace(/\b(GH)-(?=\d)/gi, '$1\u200b-')
      .replace(/:\/\//g, ':\u200b//')
      .replace(/(w)(ww\.)/gi, '$1\u200b$2')
  )
}

/**
 * A time as people read it: UTC to the minute ("2026-12-01 02:40 UTC") for an ISO 8601 date and time
 * (the API's `2026-12-01T02:40:20.3250000Z`); anything else as inert text. Outputs, report-json and the
 * history keep the exact strings.
 */
export function timeText(value: string): string {
  if (!isIsoDateTime(value)) {
    return inlineText(value)
  }
  const utc = new Date(Date.parse(value)).toISOString()
  return `${utc.slice(0, 10)} ${utc.slice(11, 16)} UTC`
}

/** Text inside an HTML element (a `<summary>`): Markdown-inert like a cell, and no tag can open. */
export function htmlText(text: string): string {
  return inlineText(text).replace(/\\</g, '&lt;').replace(/\\>/g, '&gt;')
}
