/** The trend chart: every chart the action can emit is one Mermaid (and so GitHub) can draw. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { CHART_READINGS, distinctLabels, trendChart } from '../../src/report/chart.js'
import { parseHistory } from '../../src/history/history.js'
import { mermaidBlocks, parseMermaid } from '../support/mermaid.js'

const reading = (time: string, score: number) => ({ time, score, exposure: null, tenant: 't', apiHost: 'h' })

function chartText(lines: string[]): string {
  return mermaidBlocks(lines.join('\n'))[0] ?? ''
}

describe('trend chart', () => {
  it('is drawn from 2 readings on, with the last 30, dates on the x axis and the threshold as a second line', async () => {
    assert.deepEqual(trendChart([reading('2026-11-20T06:00:00Z', 300)], 300), [])
    const many = Array.from({ length: 40 }, (_, day) => reading(new Date(Date.UTC(2026, 9, 1 + day, 6)).toISOString(), 300 + day))
    const chart = chartText(trendChart(many, 320))
    assert.equal(await parseMermaid(chart), 'xychart')
    assert.equal((chart.match(/"\d{2}-\d{2}"/g) ?? []).length, CHART_READINGS)
    assert.match(chart, /line \[310, 311, [\d, ]+, 339\]\n {2}line \[320(, 320){29}\]$/)
  })

  it('labels readings of the same day with their time', () => {
    const chart = chartText(trendChart([reading('2026-11-20T06:00:00Z', 1), reading('2026-11-20T18:30:00Z', 2)], undefined))
    assert.match(chart, /x-axis \["11-20 06:00", "11-20 18:30"\]/)
  })

  it('parses for any history, hostile lines included: huge, tiny, negative and fractional scores', async () => {
    const line = fc.record({
      time: fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map(date => date.toISOString()),
      score: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(1e21, -1e21, 5e-324, -0, 1e308)),
      tenant: fc.constant('t')
    })
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { minLength: 2, maxLength: 40 }),
        fc.option(fc.double({ min: 0, max: 1e6, noNaN: true }), { nil: undefined }),
        async (lines, minScore) => {
          const history = parseHistory(lines.map(entry => JSON.stringify(entry)).join('\n'))
          const chart = trendChart(history.entries, minScore)
          if (history.entries.length < 2) {
            assert.deepEqual(chart, [], 'no chart from fewer than 2 readings (negative scores are not readings)')
            return
          }
          assert.equal(await parseMermaid(chartText(chart)), 'xychart', chart.join('\n'))
        }
      ),
      { numRuns: 200 }
    )
  })
})

describe('chart labels', () => {
  it('are distinct for any readings: the shortest form no other reading shares, numbered when equal to the second', () => {
    assert.deepEqual(distinctLabels(['2026-11-20T06:00:00Z', '2026-11-21T06:00:00Z']), ['11-20', '11-21'])
    assert.deepEqual(distinctLabels(['2026-11-20T06:00:00Z', '2026-11-20T18:30:00Z', '2026-11-21T06:00:00Z']), [
      '11-20 06:00',
      '11-20 18:30',
      '11-21'
    ])
    assert.deepEqual(distinctLabels(['2025-11-20T06:00:00Z', '2026-11-20T06:00:00Z']), ['2025-11-20 06:00', '2026-11-20 06:00'])
    assert.deepEqual(distinctLabels(['2026-11-20T06:00:01Z', '2026-11-20T06:00:02Z']), ['2026-11-20 06:00:01', '2026-11-20 06:00:02'])
    assert.deepEqual(distinctLabels(['2026-11-20T06:00:00Z', '2026-11-20T06:00:00.5Z']), [
      '2026-11-20 06:00:00 #1',
      '2026-11-20 06:00:00 #2'
    ])
  })

  it('never repeat in a chart, so Mermaid draws one point per reading', () =>
    fc.assert(
      fc.property(
        fc.array(
          fc
            .integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2027, 0, 1) })
            .map(ms => new Date(Math.floor(ms / 60_000) * 60_000).toISOString()),
          {
            minLength: 2,
            maxLength: CHART_READINGS
          }
        ),
        times => {
          const labels = distinctLabels(times)
          assert.equal(new Set(labels).size, times.length, JSON.stringify(times))
        }
      )
    ))
})
