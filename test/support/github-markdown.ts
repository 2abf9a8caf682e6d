/**
 * GitHub's Markdown renderer as the judge: cmark-gfm (GitHub's fork of cmark, bound for Node) with
 * the extensions GitHub turns on (table, autolink, strikethrough, tagfilter) and raw HTML let through
 * as GitHub lets it through before its own sanitising. What the action writes is checked on the HTML
 * a reader gets, not on the Markdown text.
 */
import { renderHtmlSync } from 'cmark-gfm'
import { isCveId } from '../../src/sources/vulnerabilities/answers.js'

export function renderGitHubMarkdown(markdown: string): string {
  return renderHtmlSync(markdown, {
    unsafe: true,
    githubPreLang: true,
    extensions: { table: true, autolink: true, strikethrough: true, tagfilter: true }
  })
}

/** Elements the action's documents may render to: nothing a text from outside could bring in. */
const ALLOWED_ELEMENTS = new Set([
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'h1',
  'h2',
  'h3',
  'h4',
  'p',
  'code',
  'pre',
  'em',
  'strong',
  'ul',
  'ol',
  'li',
  'details',
  'summary',
  'sub',
  'a',
  'img',
  'br'
])

/** Links the action makes itself: a CVE's record, the static badge, the workflow run. */
export function isOwnLink(url: string): boolean {
  const cve = /^https:\/\/www\.cve\.org\/CVERecord\?id=(.+)$/.exec(url)?.[1]
  return (
    (cve !== undefined && isCveId(cve)) ||
    url.startsWith('https://img.shields.io/badge/') ||
    /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/actions\/runs\/\d+(\/attempts\/\d+)?$/.test(url)
  )
}

const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b([^>]*)>/g

/** Text of cmark's HTML as a reader sees it: its entities decoded, `&amp;` last so that nothing is decoded twice. */
export function decodeHtmlText(html: string): string {
  return html.replaceAll('&quot;', '"').replaceAll('&gt;', '>').replaceAll('&lt;', '<').replaceAll('&amp;', '&')
}

/**
 * Rows with more cells than their table's header. cmark-gfm, as the GFM spec says, renders every row
 * with its header's count, dropping the excess silently, so the HTML cannot show that a `|` in a name
 * pushed a cell out: the rows are counted as GFM splits them, at every pipe not escaped by a backslash.
 */
function droppedCells(markdown: string, where: string): string[] {
  const problems: string[] = []
  const cells = (line: string) =>
    line
      .trim()
      .replace(/^\|/, '')
      .replace(/\|$/, '')
      .split(/(?<!\\)\|/).length
  const lines = markdown.split('\n')
  lines.forEach((line, index) => {
    if (/^\|(\s*:?-+:?\s*\|)+\s*$/.test(line)) {
      const header = cells(lines[index - 1] ?? '')
      for (let row = index + 1; row < lines.length && lines[row]?.trim().startsWith('|'); row++) {
        const count = cells(lines[row] ?? '')
        if (count > header) problems.push(`${where}: a table row has ${count} cells, its header ${header}: the rest would be dropped`)
      }
    }
  })
  return problems
}

/** What a reader of the rendered document would see that the action must never let through; empty when nothing. */
export function markdownProblems(markdown: string, where: string): string[] {
  const html = renderGitHubMarkdown(markdown)
  const problems: string[] = []
  for (const [, , name = '', attributes = ''] of html.matchAll(TAG)) {
    const element = name.toLowerCase()
    if (!ALLOWED_ELEMENTS.has(element)) problems.push(`${where}: a <${element}> element`)
    for (const [, , url = ''] of attributes.matchAll(/\b(href|src)="([^"]*)"/g)) {
      const decoded = decodeHtmlText(url)
      if (!isOwnLink(decoded)) problems.push(`${where}: a link or image the action did not make: ${decoded}`)
    }
  }
  problems.push(...droppedCells(markdown, where))
  for (const table of html.match(/<table>[\s\S]*?<\/table>/g) ?? []) {
    const rows = table.match(/<tr>[\s\S]*?<\/tr>/g) ?? []
    const cells = rows.map(row => (row.match(/<t[hd][\s>]/g) ?? []).length)
    const header = cells[0] ?? 0
    cells.forEach((count, index) => {
      if (count !== header) problems.push(`${where}: table row ${index} has ${count} cells, its header ${header}`)
    })
  }
  // Mentions and issue references are linked by GitHub after cmark, in text outside code.
  const text = decodeHtmlText(
    html
      .replace(/<pre[\s\S]*?<\/pre>/g, ' ')
      .replace(/<code>[\s\S]*?<\/code>/g, ' ')
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(TAG, ' ')
  )
  for (const [reference] of text.matchAll(/(?<![\w`])@[A-Za-z0-9][\w-]*|(?<![\w&])#\d+|\bGH-\d+|[\w.-]+\/[\w.-]+#\d+/g)) {
    problems.push(`${where}: a mention or issue reference GitHub would link: ${reference}`)
  }
  return problems
}
