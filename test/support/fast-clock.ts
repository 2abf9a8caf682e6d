/**
 * Preloaded (`node --import`) into the action's process by the harness: it installs the run's clock
 * (src/clock.ts) before the action starts. Waits between attempts (backoffs, Retry-After) last
 * FAST_CLOCK_SCALE of their time, so the suite proves the wiring of a 60 s wait in 0.6 s; deadlines
 * (timeout-seconds, the reading's and publishing's) keep real time. The grace an extra gets after the
 * score lasts 1 s, so that a test that expects an extra in the summary does not depend on it arriving
 * within 50 ms of the score on a busy machine; tests about the grace scale it too
 * (FAST_CLOCK_GRACE=scaled). The action logs the waits it decided, unscaled, so tests still see the policy.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { CLOCK_KEY, type Clock, type WaitKind } from '../../src/clock.js'

const scale = Number(process.env['FAST_CLOCK_SCALE'])
if (!(scale > 0 && scale <= 1)) {
  throw new Error(`fast-clock: FAST_CLOCK_SCALE must be in (0, 1], got '${process.env['FAST_CLOCK_SCALE']}'`)
}
const UNSCALED_GRACE_MS = 1000
const graceScaled = process.env['FAST_CLOCK_GRACE'] === 'scaled'

function lasts(ms: number, kind: WaitKind): number {
  if (kind === 'deadline') return ms
  if (kind === 'grace' && !graceScaled) return UNSCALED_GRACE_MS
  return Math.round(ms * scale)
}

const fastClock: Clock = {
  now: () => Date.now(),
  random: () => Math.random(),
  sleep: async (ms, kind, signal) => {
    await sleep(lasts(ms, kind), undefined, signal ? { signal } : undefined)
  }
}
Reflect.set(globalThis, CLOCK_KEY, fastClock)
