/** The step's outputs: their one list, checked against action.yml by a test, and their values. */
import { formatPoints } from '../format.js'
import { badgeSpec, passed, scoreDelta, type ScoreReport } from './model.js'

export const OUTPUT_NAMES = [
  'score',
  'score-time',
  'min-score',
  'passed',
  'exposure-score',
  'previous-score',
  'score-delta',
  'badge-file',
  'badge-json',
  'comment-url'
] as const

export type OutputName = (typeof OUTPUT_NAMES)[number]

/** What the optional extras produced; an extra that was skipped or failed leaves its output empty. */
export interface Published {
  badgeFile?: string | undefined
  commentUrl?: string | undefined
}

export function reportOutputs(report: ScoreReport, published: Published): Record<OutputName, string> {
  const minScore = report.checks.find(check => check.input === 'min-score')
  const delta = scoreDelta(report)
  return {
    score: formatPoints(report.reading.score, 'exact'),
    'score-time': report.reading.time,
    'min-score': minScore ? formatPoints(minScore.limit, 'exact') : '',
    passed: String(passed(report)),
    'exposure-score': report.exposure ? formatPoints(report.exposure.score, 'exact') : '',
    'previous-score': report.history?.previous ? formatPoints(report.history.previous.score, 'exact') : '',
    'score-delta': delta === undefined ? '' : formatPoints(delta, 'exact'),
    'badge-file': published.badgeFile ?? '',
    'badge-json': JSON.stringify({ schemaVersion: 1, ...badgeSpec(report) }),
    'comment-url': published.commentUrl ?? ''
  }
}
