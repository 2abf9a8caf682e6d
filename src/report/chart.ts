/**
 * The trend as a Mermaid `xychart-beta` chart, which GitHub draws in job summaries and comments
 * (https://mermaid.js.org/syntax/xyChart.html). Everything in it is made here from numbers and
 * validated ISO times, so no text from outside can reach the chart's syntax.
 */
import { plainDecimal } from '../format.js'
import type { HistoryEntry } from '../history/history.js'

/** Readings drawn at most: enough for a month of daily checks, few enough to read the axis. */
export const CHART_READINGS = 30

/**
 * The chart's lines (fenced), or none with fewer than 2 readings. The x axis is labelled with dates
 * (MM-DD, with the time when one day has several readings); `minScore` draws the threshold as a
 * second line.
 */
export function trendChart(readings: HistoryEntry[], minScore: number | undefined): string[] {
  const shown = readings.slice(-CHART_READINGS)
  if (shown.length < 2) {
    return []
  }
  const days = shown.map(entry => entry.time.slice(5, 10))
  const labels = shown.map((entry, index) =>
    days.filter(day => day === days[index]).length > 1 ? `${days[index]} ${entry.time.slice(11, 16)}` : days[index]
  )
  const values = shown.map(entry => entry.score)
  const lines = [values.map(value => round(value))]
  if (minScore !== undefined) {
    lines.push(shown.map(() => round(minScore)))
  }
  const all = lines.flat()
  const [low, high] = axisRange(Math.min(...all), Math.max(...all))
  return [
    '```mermaid',
    'xychart-beta',
    `  title "Device secure score${minScore === undefined ? '' : `, with min-score ${plainDecimal(round(minScore))}`}"`,
    `  x-axis [${labels.map(label => `"${label}"`).join(', ')}]`,
    `  y-axis "Points" ${plainDecimal(low)} --> ${plainDecimal(high)}`,
    ...lines.map(line => `  line [${line.map(plainDecimal).join(', ')}]`),
    '```'
  ]
}

/** To two decimals, as the summary shows points; a number too large to hold decimals stays as it is. */
function round(value: number): number {
  return Math.abs(value) >= 1e15 ? value : Math.round(value * 100) / 100
}

/** A y range with some room around the values, on whole numbers. */
function axisRange(low: number, high: number): [number, number] {
  const margin = Math.max(1, (high - low) * 0.1)
  const top = Math.ceil(high + margin)
  return [Math.max(0, Math.floor(low - margin)), Number.isFinite(top) ? top : high]
}
