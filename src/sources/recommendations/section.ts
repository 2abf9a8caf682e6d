/** The recommendations' section of a tenant's report: those that would raise the score most, and how many were excepted. */
import { plainDecimal, signedPoints } from '../../format.js'
import { leftOut } from '../../report/fit.js'
import { inlineText } from '../../report/inline.js'
import { topRecommendations, type Recommendations } from './answers.js'

export function recommendationsSection(recommendations: Recommendations | undefined, rows: number, where: string, level: number): string[] {
  if (!recommendations) {
    return []
  }
  const { excepted, accepted } = recommendations
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
