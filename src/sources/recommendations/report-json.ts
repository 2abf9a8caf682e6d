/** The recommendations' part of report-json: why the score moved (its schema: ../../report/report-json.ts). */
import { capText, REPORT_LIST_CAP, type ScoreChangeJson } from '../../report/report-json.js'
import type { Mover, ScoreChange } from './changes.js'

/** Null when there is no change to explain; `reason` when it could not be explained. */
export function scoreChangeJson(change: ScoreChange | undefined): ScoreChangeJson | null {
  if (change === undefined) {
    return null
  }
  if (change.kind === 'unexplained') {
    return { since: change.since, delta: change.delta, reason: capText(change.reason) }
  }
  const movers = (list: Mover[]) => list.slice(0, REPORT_LIST_CAP).map(mover => ({ ...mover, name: capText(mover.name) }))
  return {
    since: change.since,
    delta: change.delta,
    movers: movers(change.movers),
    appeared: movers(change.appeared),
    left: movers(change.left),
    unexplained: change.unexplained
  }
}
