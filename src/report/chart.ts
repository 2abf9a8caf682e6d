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
 * The lines' colours, in order: the score in GitHub's strong blue, the min-score line in a quieter
 * amber, so that the eye lands on the score. Set through the chart's front matter, which GitHub's
 * Mermaid reads (https://mermaid.js.org/syntax/xyChart.html#chart-theme-variables).
 */
export const SCORE_COLOR = '#0969da'
export const THRESHOLD_COLOR = '#d4a72c'

/**
 * The chart's lines (fenced), or none with fewer than 2 readings. The x axis is labelled with dates
 * (see {@link distinctLabels}); `minScore` draws the threshold as a second line.
 */
export function trendChart(readings: HistoryEntry[], minScore: number | undefined): string[] {
  const shown = readings.slice(-CHART_READINGS)
  if (shown.length < 2) {
    return []
  }
  const labels = distinctLabels(shown.map(entry => entry.time))
  const values = shown.map(entry => entry.score)
  const lines = [values.map(value => round(value))]
  if (minScore !== undefined) {
    lines.push(shown.map(() => round(minScore)))
  }
  const all = lines.flat()
  const [low, high] = axisRange(Math.min(...all), Math.max(...all))
  return [
    '```mermaid',
    '---',
    'config:',
    '  themeVariables:',
    '    xyChart:',
    `      plotColorPalette: "${SCORE_COLOR}, ${THRESHOLD_COLOR}"`,
    '---',
    'xychart-beta',
    `  title "Device secure score${minScore === undefined ? '' : `, with min-score ${plainDecimal(round(minScore))}`}"`,
    `  x-axis [${labels.map(label => `"${label}"`).join(', ')}]`,
    `  y-axis "Points" ${plainDecimal(low)} --> ${plainDecimal(high)}`,
    ...lines.map(line => `  line [${line.map(plainDecimal).join(', ')}]`),
    '```'
  ]
}

/** The precisions a label is tried at, shortest first: MM-DD, then with the time, the year, the seconds. */
const LABEL_FORMS: Array<(time: string) => string> = [
  time => time.slice(5, 10),
  time => `${time.slice(5, 10)} ${time.slice(11, 16)}`,
  time => `${time.slice(0, 10)} ${time.slice(11, 16)}`,
  time => `${time.slice(0, 10)} ${time.slice(11, 19)}`
]

/**
 * One label per reading, no two alike (Mermaid's band axis merges equal labels, and two readings
 * would share one point): each reading gets the shortest form no other reading shares, and readings
 * equal to the second are numbered. Forms differ in length, so labels of different forms never meet.
 */
export function distinctLabels(times: string[]): string[] {
  return times.map((time, index) => {
    for (const form of LABEL_FORMS) {
      const label = form(time)
      if (times.every((other, otherIndex) => otherIndex === index || form(other) !== label)) {
        return label
      }
    }
    return `${LABEL_FORMS.at(-1)?.(time) ?? time} #${index + 1}`
  })
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
