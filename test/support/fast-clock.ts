/**
 * Preloaded (`node --import`) into the action's process by the harness: every wait the action makes
 * through node:timers/promises (retry backoffs, Retry-After, grace periods) lasts FAST_CLOCK_SCALE of
 * its time, so the suite proves the wiring of a 60 s wait in 0.6 s. Request deadlines
 * (timeout-seconds) use the global setTimeout and stay real. The action logs the waits it decided,
 * unscaled, so tests still see the policy.
 */
import timers from 'node:timers/promises'

const scale = Number(process.env['FAST_CLOCK_SCALE'])
if (!(scale > 0 && scale <= 1)) {
  throw new Error(`fast-clock: FAST_CLOCK_SCALE must be in (0, 1], got '${process.env['FAST_CLOCK_SCALE']}'`)
}
const realSetTimeout = timers.setTimeout
timers.setTimeout = ((delay?: number, ...rest: unknown[]) =>
  realSetTimeout(Math.round((delay ?? 0) * scale), ...(rest as []))) as typeof timers.setTimeout
