/**
 * Preloaded (`node --import`) into the action's process by the harness: every wait the action makes
 * through node:timers/promises (retry backoffs, Retry-After, grace periods) lasts FAST_CLOCK_SCALE of
 * its time, so the suite proves the wiring of a 60 s wait in 0.6 s. Request deadlines
 * (timeout-seconds) use the global setTimeout and stay real. The action logs the waits it decided,
 * unscaled, so tests still see the policy.
 */
import timers from 'node:timers/promises'
import { GRACE_MS } from './fast-clock-grace.js'

const scale = Number(process.env['FAST_CLOCK_SCALE'])
if (!(scale > 0 && scale <= 1)) {
  throw new Error(`fast-clock: FAST_CLOCK_SCALE must be in (0, 1], got '${process.env['FAST_CLOCK_SCALE']}'`)
}
/**
 * The grace an extra gets after the score (EXTRA_GRACE_MS in src/defender/api.ts, checked by a unit
 * test) is scaled only in tests about it (FAST_CLOCK_GRACE=scaled); otherwise it lasts 1 s, so that
 * a test that expects an extra in the summary does not depend on it arriving within 50 ms of the
 * score on a busy machine. It is told from the other waits by what it resolves to: the others resolve
 * to nothing.
 */
const UNSCALED_GRACE_MS = 1000
const graceScaled = process.env['FAST_CLOCK_GRACE'] === 'scaled'

const realSetTimeout = timers.setTimeout
timers.setTimeout = ((delay?: number, value?: unknown, ...rest: unknown[]) => {
  const isGrace = delay === GRACE_MS && value !== undefined && !graceScaled
  return realSetTimeout(isGrace ? UNSCALED_GRACE_MS : Math.round((delay ?? 0) * scale), value, ...(rest as []))
}) as typeof timers.setTimeout
