/** The recommendations' section of a tenant's report: those that would raise the score most, and how many were excepted. */
import { formatPoints, plainDecimal, signedPoints } from '../../format.js'
import { leftOut } from '../../report/fit.js'
import { inlineText, MAX_REASON_CHARS, timeText } from '../../report/inline.js'
import { topRecommendations, type Recommendations } from './answers.js'
import type { Mover, ScoreChange } from './changes.js'

export function recommendationsSection(recommendations: Recommendations | undefined, rows: number, where: string, level: number): string[] {
  if (!recommendations || recommendations.shown === 0) {
    return []
  }
  const { excepted } = recommendations
  const accepted = recommendations.accepted.length
  const items = topRecommendations(recommendations)
  const exceptions = [
    ...(excepted > 0
      ? [`${excepted} recommendation${excepted === 1 ? ' was' : 's were'} left out: the security team granted an exception.`, '']
      : []),
    ...(accepted > 0 ? [`${accepted} recommendation${accepted === 1 ? ' was' : 's were'} left out: accepted in accepted-risks.`, ''] : [])
  ]
  if (items.length === 0) {
    return [`${'#'.repeat(level)} Top recommendations`, '', 'The API listed no active security recommendations.', '', ...exceptions]
  }
  const shown = items.slice(0, rows).map((item, index) => {
    const devices =
      item.exposedMachines === undefined
        ? ''
        : `${plainDecimal(item.exposedMachines)}${item.totalMachines === undefined ? '' : ` of ${plainDecimal(item.totalMachines)}`}`
    return `| ${index + 1} | ${inlineText(item.name)} | ${inlineText(item.category)} | ${signedPoints(item.configScoreImpact)} | ${devices} |`
  })
  return [
    `${'#'.repeat(level)} Top ${items.length} recommendations by score impact`,
    '',
    ...(shown.length > 0
      ? ['| # | Recommendation | Category | Score impact (points) | Exposed devices |', '|---|---|---|---|---|', ...shown, '']
      : []),
    ...leftOut(items.length - shown.length, where),
    ...exceptions
  ]
}

/** Rows of movers a report lists at most: the largest parts of the change. */
const MAX_MOVERS = 10

/** Why the score moved: the recommendations that account for the change, between the two readings. */
export function scoreChangeSection(change: ScoreChange | undefined, rows: number, level: number): string[] {
  if (!change) {
    return []
  }
  const heading = `${'#'.repeat(level)} Why the score moved`
  const moved = `${change.delta > 0 ? 'up' : 'down'} ${formatPoints(Math.abs(change.delta))}`
  if (change.kind === 'unexplained') {
    return [
      heading,
      '',
      `The score went ${moved} points since the previous reading (${timeText(change.since)}); it could not be explained: ${inlineText(change.reason, MAX_REASON_CHARS)}.`,
      ''
    ]
  }
  const all = [
    ...change.movers.map(mover => ({ mover, what: exposedChange(mover) })),
    ...change.appeared.map(mover => ({ mover, what: 'appeared' })),
    ...change.left.map(mover => ({ mover, what: 'left (fixed, excepted, or no longer counted)' }))
  ].sort((a, b) => Math.abs(b.mover.points) - Math.abs(a.mover.points))
  const shown = all
    .slice(0, Math.min(rows, MAX_MOVERS))
    .map(
      ({ mover, what }) =>
        `| ${inlineText(mover.name)} | ${what} | ${formatPoints(mover.impactBefore)} → ${formatPoints(mover.impactNow)} | ${signedPoints(mover.points)} |`
    )
  const rest = all.length - shown.length
  const remainder =
    Math.abs(change.unexplained) < 0.005
      ? 'The recommendations account for all of it.'
      : `${signedPoints(change.unexplained)} points not explained by the recommendations.`
  return [
    heading,
    '',
    `The score went ${moved} points since the previous reading (${formatPoints(change.previousScore)} at ${timeText(change.since)}). ` +
      "Between the two readings, the recommendations' score impact changed as below. Microsoft recomputes the score 24-48 hours after a change, " +
      'and the time the API gives is the time of the call: this is what changed between the readings, not when each change happened.',
    '',
    ...(shown.length > 0
      ? ['| Recommendation | What changed | Score impact (points) | Part of the change |', '|---|---|---|---|', ...shown, '']
      : ['No recommendation changed.', '']),
    ...(rest > 0
      ? [`${plainDecimal(rest)} smaller part${rest === 1 ? '' : 's'} left out (report-json lists them all, up to its caps).`, '']
      : []),
    remainder,
    ''
  ]
}

/** "40 more exposed devices", "3 fewer exposed devices", or the impact alone when the devices did not change. */
function exposedChange(mover: Mover): string {
  if (mover.exposedBefore === null || mover.exposedNow === null || mover.exposedBefore === mover.exposedNow) {
    return 'its impact changed'
  }
  const difference = mover.exposedNow - mover.exposedBefore
  return `${plainDecimal(Math.abs(difference))} ${difference > 0 ? 'more' : 'fewer'} exposed device${Math.abs(difference) === 1 ? '' : 's'}`
}

/** The note on a reading that repeats one at least a week older. */
export function staleNote(stale: { since: string } | undefined): string[] {
  if (!stale) {
    return []
  }
  return [
    `⚠️ **The data may be stale.** The score, the exposure score and every recommendation's score impact are identical to the reading of ${timeText(stale.since)}, a week or more earlier. ` +
      'The API answers with the time of the call, not of the computation; a tenant whose devices all stopped reporting looks exactly like this.',
    ''
  ]
}
