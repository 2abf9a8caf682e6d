/**
 * Fitting a rendering to GitHub's limits on a body's size: the longest that fits, rows of the long
 * tables (and, with many tenants, their details) left out, and a line that says so.
 */
import { plainDecimal } from '../format.js'

/**
 * The longest rendering that `fits`, with the same number of rows at most in every long table
 * (checks, device groups, recommendations): found by halving, as each rendering is linear in the rows.
 */
export function fitRows(render: (rows: number) => string, fits: (text: string) => boolean): string {
  const all = render(Number.POSITIVE_INFINITY)
  return fits(all) ? all : largest(MAX_TABLE_ROWS, rows => fits(render(rows)), render)
}

/** No table of the report has more rows than this when one is cut to fit. */
const MAX_TABLE_ROWS = 100_000

/**
 * With many tenants: the longest rendering that fits, with every tenant's row in the table and as
 * many tenants' details as fit (worst first); only when the table alone does not fit, its rows too.
 */
export function fitTenants(tenants: number, render: (details: number, rows: number) => string, fits: (text: string) => boolean): string {
  const all = render(tenants, Number.POSITIVE_INFINITY)
  if (fits(all)) {
    return all
  }
  if (fits(render(0, Number.POSITIVE_INFINITY))) {
    return largest(
      tenants,
      details => fits(render(details, Number.POSITIVE_INFINITY)),
      details => render(details, Number.POSITIVE_INFINITY)
    )
  }
  return largest(
    tenants,
    rows => fits(render(0, rows)),
    rows => render(0, rows)
  )
}

/** render(n) for the largest n in [0, max] that `fits` accepts (it accepts fewer whenever it accepts more). */
function largest(max: number, fits: (n: number) => boolean, render: (n: number) => string): string {
  let low = 0
  let high = max
  while (low < high) {
    const middle = Math.ceil((low + high) / 2)
    if (fits(middle)) {
      low = middle
    } else {
      high = middle - 1
    }
  }
  return render(low)
}

/** The line under a table cut to fit: how many rows were left out, and where they are. */
export function leftOut(count: number, where: string): string[] {
  return count > 0
    ? [`${plainDecimal(count)} more row${count === 1 ? '' : 's'} left out to fit GitHub's limit on the length ${where}.`, '']
    : []
}
