/**
 * Numbers as people read them, always in plain decimal (never `1e+21` nor `-3e-7`), with enough
 * precision that a comparison shown is a comparison seen: 339.996 is never shown as "340 is below 340".
 */

/** Display precision of points: whole numbers as they are, fractions to two places. */
const DISPLAY_DECIMALS = 2
/** Past this, a double holds no fraction worth showing. */
const NO_FRACTION_ABOVE = 1e15

/** Points for people (`'display'`), or every digit the number holds (`'exact'`, for outputs and files). */
export function formatPoints(points: number, precision: 'display' | 'exact' = 'display'): string {
  return precision === 'exact' ? plainDecimal(points) : withDecimals(points, DISPLAY_DECIMALS)
}

/**
 * Two numbers that are compared in one sentence: as {@link formatPoints} shows them, or with as many
 * more decimals as it takes for different numbers to look different.
 */
export function formatCompared(value: number, limit: number): [string, string] {
  for (let decimals = DISPLAY_DECIMALS; decimals <= 17; decimals++) {
    const pair: [string, string] = [withDecimals(value, decimals), withDecimals(limit, decimals)]
    if (value === limit || pair[0] !== pair[1]) {
      return pair
    }
  }
  return [plainDecimal(value), plainDecimal(limit)]
}

/** A difference: like {@link formatPoints}, but one too small for two decimals keeps two significant digits. */
export function formatDifference(points: number): string {
  return points !== 0 && Math.abs(points) < 10 ** -DISPLAY_DECIMALS ? plainDecimal(Number(points.toPrecision(2))) : formatPoints(points)
}

function withDecimals(points: number, decimals: number): string {
  if (!Number.isFinite(points) || Math.abs(points) >= NO_FRACTION_ABOVE) {
    return plainDecimal(points)
  }
  const rounded = Number(points.toFixed(decimals))
  return plainDecimal(Object.is(rounded, -0) ? 0 : rounded)
}

/** The shortest decimal that reads back as `value`, without exponent notation. */
export function plainDecimal(value: number): string {
  if (!Number.isFinite(value)) {
    return String(value)
  }
  const [mantissa = '', exponentText] = String(value).split('e')
  if (exponentText === undefined) {
    return mantissa
  }
  const negative = mantissa.startsWith('-')
  const [whole = '', fraction = ''] = mantissa.replace('-', '').split('.')
  const digits = whole + fraction
  const point = whole.length + Number(exponentText)
  const text =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + '0'.repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`
  return negative ? `-${text}` : text
}

/** Points with their sign: +2.5, -3, 0. */
export function signedPoints(value: number): string {
  return value > 0 ? `+${formatPoints(value)}` : formatPoints(value)
}
