/**
 * The chart and the badge in a real browser (headless Chromium): every Mermaid chart the action
 * emits is drawn by Mermaid itself, with one point per reading, the min-score line, distinct x labels
 * and the score in the strong colour; the badge is drawn pixel for pixel as shields.io's badge-maker
 * draws it; and `npm run screenshot` photographs the demo's summary.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import { makeBadge } from 'badge-maker'
import fc from 'fast-check'
import type { Browser, Page } from 'puppeteer-core'
import type { HistoryEntry } from '../../src/history/history.js'
import { renderBadge } from '../../src/report/badge.js'
import { CHART_READINGS, SCORE_COLOR, THRESHOLD_COLOR, trendChart } from '../../src/report/chart.js'
import type { BadgeSpec } from '../../src/report/model.js'
import { launchBrowser, mermaidPage, pixelDifference, renderMermaid } from '../support/browser.js'
import { actionGlyphs, emojiFontFaces, missingGlyphs, SCREENSHOT, screenshotSummary } from '../support/tools/screenshot.js'

let browser: Browser
let page: Page

before(async () => {
  browser = await launchBrowser()
  page = await mermaidPage(browser)
})

after(() => browser?.close())

function readings(scores: number[], times?: string[]): HistoryEntry[] {
  return scores.map((score, index) => ({
    time: times?.[index] ?? new Date(Date.UTC(2026, 10, 1 + index, 6)).toISOString(),
    score,
    exposure: null,
    tenant: 't',
    apiHost: 'h'
  }))
}

/** What a reader sees of a drawn chart: its lines (points and colour) and its x labels. */
async function drawn(history: HistoryEntry[], minScore: number | undefined) {
  const lines = trendChart(history, minScore)
  const svg = await renderMermaid(page, lines.slice(1, -1).join('\n'))
  assert.doesNotMatch(svg, /Syntax error|class="error-icon"|aria-roledescription="error"/, 'Mermaid drew it, not its error graphic')
  const plots = [...svg.matchAll(/<g class="line-plot-(\d+)"><path d="([^"]*)"[^>]*stroke="([^"]*)"/g)].map(([, , path = '', color]) => ({
    points: path.split(/[ML]/).filter(point => point.trim().length > 0).length,
    color
  }))
  const axis = /<g class="bottom-axis">[\s\S]*?<g class="label">([\s\S]*?)<\/g>/.exec(svg)?.[1] ?? ''
  const labels = [...axis.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map(match => match[1])
  return { plots, labels }
}

async function assertChart(history: HistoryEntry[], minScore: number | undefined): Promise<void> {
  const shown = Math.min(history.length, CHART_READINGS)
  const { plots, labels } = await drawn(history, minScore)
  assert.deepEqual(plots[0], { points: shown, color: SCORE_COLOR }, 'one point per reading, in the strong colour')
  if (minScore === undefined) {
    assert.equal(plots.length, 1)
  } else {
    assert.deepEqual(plots[1], { points: shown, color: THRESHOLD_COLOR }, 'the min-score line, in its quieter colour')
  }
  assert.equal(labels.length, shown)
  assert.equal(new Set(labels).size, shown, `distinct x labels: ${labels.join(', ')}`)
}

describe('the chart and the badge in Chromium', () => {
  it("draws the demo's chart and one of 30 readings: a point per reading, the threshold, distinct labels, the score's colour first", async () => {
    await assertChart(readings([318, 322, 321, 327, 330, 334, 336, 340]), 300)
    await assertChart(readings(Array.from({ length: 45 }, (_, index) => 300 + ((index * 7) % 40))), undefined)
  })

  it('draws fuzzed histories: equal times, a second apart, fractions, huge and tiny scores', async () => {
    const time = fc.constantFrom(
      '2026-11-24T06:00:00Z',
      '2026-11-24T06:00:01Z',
      '2026-11-24T18:30:00Z',
      '2025-11-24T06:00:00Z',
      '2026-11-25T06:00:00.5Z'
    )
    const score = fc.oneof(
      fc.integer({ min: 0, max: 1000 }),
      fc.double({ min: 0, max: 1e6, noNaN: true }),
      fc.constant(1e21),
      fc.constant(0.004)
    )
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(time, score), { minLength: 2, maxLength: 35 }),
        fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }),
        async (pairs, minScore) => {
          await assertChart(
            readings(
              pairs.map(([, value]) => value),
              pairs.map(([at]) => at)
            ),
            minScore
          )
        }
      ),
      { numRuns: 15 }
    )
  })

  it("draws the badge as shields.io's badge-maker does, pixel for pixel (at most 1% differ)", async () => {
    const badges: BadgeSpec[] = [
      { label: 'device secure score', message: '340', color: 'green' },
      ...fc.sample(
        fc.record({
          label: fc.constant('device secure score'),
          message: fc.oneof(
            fc.constantFrom('3/4 pass', 'not read', '339.996', '1000000000000000000000'),
            fc.stringMatching(/^[0-9a-zA-Z./ -]{1,12}$/).map(text => text.trim() || 'x')
          ),
          color: fc.constantFrom('green' as const, 'red' as const, 'lightgrey' as const)
        }),
        12
      )
    ]
    for (const badge of badges) {
      const difference = await pixelDifference(page, renderBadge(badge), makeBadge(badge))
      assert.ok(difference <= 0.01, `${JSON.stringify(badge)}: ${(difference * 100).toFixed(2)}% of pixels differ`)
    }
  })

  it("photographs the demo's summary (npm run screenshot) with every glyph the action writes drawn, none as the missing-glyph box", async () => {
    const { png, missing } = await screenshotSummary(browser)
    assert.deepEqual(missing, [], 'glyphs drawn as a box')
    // The check can fail: without the emoji font, the marks are boxes.
    const marks = await actionGlyphs()
    for (const mark of ['✅', '❌', '🆕', '⏰']) assert.ok(marks.includes(mark), `${mark} is among the action's marks`)
    const bare = await browser.newPage()
    await bare.setContent('<!doctype html><html><body>x</body></html>')
    assert.deepEqual(await missingGlyphs(bare, '✅ ❌ 🆕'), ['✅', '❌', '🆕'])
    const withFont = await browser.newPage()
    await withFont.setContent(`<!doctype html><html><head><style>${await emojiFontFaces('✅❌🆕')}</style></head><body>x</body></html>`)
    assert.deepEqual(await missingGlyphs(withFont, '✅ ❌ 🆕'), [])
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG')
    assert.ok(png.length > 50_000 && png.length < 5_000_000, `${png.length} bytes`)
    const committed = await readFile(SCREENSHOT)
    assert.deepEqual([...committed.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47])
    assert.match(await readFile(new URL('../../../README.md', import.meta.url), 'utf8'), /!\[[^\]]*\]\(docs\/summary\.png\)/)
  })
})
