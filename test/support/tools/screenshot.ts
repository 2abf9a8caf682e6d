/**
 * `npm run screenshot`: the demo's job summary as a reader sees it on GitHub, into docs/summary.png
 * (shown near the top of the README): the Markdown through cmark-gfm, in GitHub's Markdown look, with
 * the Mermaid chart drawn, photographed in headless Chromium. Regenerate it when the summary changes.
 *
 * The Chromium of @sparticuz/chromium has one font (Open Sans): no emoji. The page embeds Noto Color
 * Emoji (@fontsource/noto-color-emoji, a dev dependency, so `npm ci` brings it on a fresh machine),
 * the subsets that hold the glyphs drawn, and every glyph is checked against the missing-glyph box: a
 * picture with a box in it is refused.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { Simulator } from '../../sim/simulator.js'
import type { Browser, Page } from 'puppeteer-core'
import { mermaidPage, renderMermaid, withBrowser } from '../browser.js'
import { demoRun } from '../demo-run.js'
import { decodeHtmlText, renderGitHubMarkdown } from '../github-markdown.js'
import { ROOT } from '../harness.js'

export const SCREENSHOT = join(ROOT, 'docs', 'summary.png')

/** GitHub's font stack for Markdown, emoji last, as GitHub's own ends with the platforms' emoji fonts. */
const FONT_STACK = '-apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif, "Noto Color Emoji"'

/** The look of GitHub's rendered Markdown, as far as a summary needs it. */
const GITHUB_STYLE = `
  body { margin: 0; padding: 24px 32px; width: 900px; background: #fff; color: #1f2328;
    font: 14px/1.5 ${FONT_STACK}; }
  h2 { font-size: 1.5em; font-weight: 600; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0; margin: 24px 0 16px; }
  h3 { font-size: 1.25em; font-weight: 600; margin: 24px 0 16px; }
  p { margin: 0 0 16px; }
  table { border-collapse: collapse; margin: 0 0 16px; display: block; overflow: auto; }
  th, td { border: 1px solid #d1d9e0; padding: 6px 13px; }
  th { font-weight: 600; }
  tr:nth-child(2n) { background: #f6f8fa; }
  code { font: 85% ui-monospace, SFMono-Regular, Menlo, monospace; background: #eff1f3; padding: .2em .4em; border-radius: 6px; }
  a { color: #0969da; text-decoration: none; }
  sub { color: #59636e; }
  .mermaid svg { max-width: 700px; }
`

const require = createRequire(import.meta.url)
const EMOJI_CSS = require.resolve('@fontsource/noto-color-emoji/index.css')

/** Whether `codePoint` is in a CSS unicode-range such as `U+23,U+30-39,U+1f1e6-1f1ff`. */
function inRange(range: string, codePoint: number): boolean {
  return range.split(',').some(part => {
    const [low = '', high = low] = part.trim().replace(/^U\+/i, '').split('-')
    return codePoint >= Number.parseInt(low, 16) && codePoint <= Number.parseInt(high, 16)
  })
}

/** The @font-face rules of Noto Color Emoji whose subset holds a code point of `text`, their fonts inlined (a page set from a string loads no file). */
export async function emojiFontFaces(text: string): Promise<string> {
  const css = await readFile(EMOJI_CSS, 'utf8')
  const codePoints = [...new Set([...text].map(character => character.codePointAt(0) ?? 0).filter(codePoint => codePoint > 0x7f))]
  const faces: string[] = []
  for (const face of css.match(/@font-face\s*{[^}]*}/g) ?? []) {
    const range = /unicode-range:\s*([^;]+);/.exec(face)?.[1]
    // The WOFF, not the WOFF2: this Chromium draws the WOFF2 of the colour font's COLR glyphs as nothing (measured: no ink).
    const file = /url\(\.\/(files\/[^)]+\.woff)\)/.exec(face)?.[1]
    if (range && file && codePoints.some(codePoint => inRange(range, codePoint))) {
      const font = await readFile(join(dirname(EMOJI_CSS), file))
      // Without the ASCII the subset holds for keycaps (#, *, 0-9): Chromium would take the digits of the text from it.
      const nonAscii = range
        .split(',')
        .filter(part => Number.parseInt(part.trim().replace(/^U\+/i, '').split('-')[0] ?? '0', 16) > 0x7f)
        .join(',')
      faces.push(
        face
          .replace(/src:[^;]+;/, `src: url(data:font/woff;base64,${font.toString('base64')}) format('woff');`)
          .replace(/unicode-range:[^;]+;/, `unicode-range: ${nonAscii};`)
      )
    }
  }
  return faces.join('\n')
}

/**
 * The glyphs of `text` (each grapheme outside ASCII) that the page draws as its missing-glyph box, in
 * the body's font stack: drawn on a canvas and compared with a code point no font has.
 */
export function missingGlyphs(page: Page, text: string): Promise<string[]> {
  const graphemes = [...new Set([...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)].map(part => part.segment))].filter(
    grapheme => [...grapheme].some(character => (character.codePointAt(0) ?? 0) > 0x7f)
  )
  return page.evaluate(
    `(async () => {
      const font = '32px ' + ${JSON.stringify(FONT_STACK)}
      const graphemes = ${JSON.stringify(graphemes)}
      await Promise.all(graphemes.map(grapheme => document.fonts.load(font, grapheme)))
      const draw = text => {
        const canvas = document.createElement('canvas')
        canvas.width = 64
        canvas.height = 64
        const context = canvas.getContext('2d')
        context.font = font
        context.fillText(text, 8, 44)
        return Array.from(context.getImageData(0, 0, 64, 64).data).join()
      }
      const box = draw('\\u{E000}')
      const blank = draw(' ')
      // Spaces and format characters (a zero-width space) draw nothing, as they should.
      return graphemes.filter(grapheme => /[^\\s\\p{Cf}]/u.test(grapheme) && (draw(grapheme) === box || draw(grapheme) === blank))
    })()`
  ) as Promise<string[]>
}

/** The glyphs the action writes into Markdown (its marks: ✅ ❌ ⚠️ 🆕 ⏰ ...): every character past U+2000 in the renderers' string literals. */
export async function actionGlyphs(): Promise<string> {
  const files = [
    'src/report/markdown.ts',
    'src/sources/vulnerabilities/section.ts',
    'src/sources/recommendations/section.ts',
    'src/accepted-risks/section.ts',
    'src/sources/devices/section.ts',
    'src/sources/device-groups/section.ts',
    'src/report/fit.ts'
  ]
  const texts = await Promise.all(files.map(file => readFile(join(ROOT, file), 'utf8')))
  return [...new Set(texts.join('').match(/[\u2010-\u{1FFFF}]\uFE0F?/gu) ?? [])]
    .filter(glyph => !/[\u2028\u2029\u200b]/.test(glyph))
    .join('')
}

/** The demo's summary, photographed: the PNG, and the glyphs of the summary or of the action's marks drawn as a box (none, or the picture is wrong). */
export async function screenshotSummary(shared?: Browser): Promise<{ png: Buffer; missing: string[] }> {
  const sim = await Simulator.start()
  let markdown: string
  try {
    markdown = (await demoRun(sim)).summary
  } finally {
    await sim.close()
  }
  const glyphs = `${markdown}${await actionGlyphs()}`
  const photograph = async (browser: Browser) => {
    const page = await mermaidPage(browser)
    let html = renderGitHubMarkdown(markdown)
    for (const [block, code = ''] of html.matchAll(/<pre lang="mermaid"><code>([\s\S]*?)<\/code><\/pre>/g)) {
      html = html.replace(block, `<div class="mermaid">${await renderMermaid(page, decodeHtmlText(code))}</div>`)
    }
    const fonts = await emojiFontFaces(glyphs)
    await page.setContent(`<!doctype html><html><head><style>${fonts}\n${GITHUB_STYLE}</style></head><body>${html}</body></html>`)
    await page.evaluate('document.fonts.ready')
    const missing = await missingGlyphs(page, glyphs)
    await page.setViewport({ width: 964, height: 800, deviceScaleFactor: 1 })
    const png = Buffer.from(await page.screenshot({ fullPage: true, type: 'png' }))
    await page.close()
    return { png, missing }
  }
  return shared ? photograph(shared) : withBrowser(photograph)
}

if (process.argv.includes('--write')) {
  const { png, missing } = await screenshotSummary()
  if (missing.length > 0) {
    throw new Error(`These glyphs would be drawn as a box: ${missing.join(' ')}. Add a font that has them.`)
  }
  await writeFile(SCREENSHOT, png)
  console.log(`${SCREENSHOT}: the demo's job summary`)
}
