/** The lines the log gives of a run's checks: one line when nothing failed, at most a few messages when something did. */
import type { Check } from '../checks/check.js'
import { shownScore, type RunReport } from './model.js'

/** Check messages the log gives at most; the summary and report-json have the rest. */
export const MAX_LOGGED_CHECKS = 20

/** One line for the log when nothing failed. */
export function outcomeMessage(run: RunReport): string {
  const [only] = run.tenants
  if (run.tenants.length === 1 && only?.kind === 'read') {
    const report = only.report
    if (report.checks.length === 0) {
      return `Device secure score is ${shownScore(report)} points (no threshold set, so nothing to check).`
    }
    return checkMessages(report.checks).join(' ')
  }
  return `Every one of the ${run.tenants.length} tenants passed its checks.`
}

/** The checks' messages for the log, at most {@link MAX_LOGGED_CHECKS}, then how many more there are. */
export function checkMessages(checks: Check[]): string[] {
  return cappedMessages(checks.map(check => check.message))
}

/** At most {@link MAX_LOGGED_CHECKS} messages, then how many more there are. */
export function cappedMessages(messages: string[]): string[] {
  const more = messages.length - MAX_LOGGED_CHECKS
  return [...messages.slice(0, MAX_LOGGED_CHECKS), ...(more > 0 ? [`And ${more} more (the job summary and report-json list them).`] : [])]
}
