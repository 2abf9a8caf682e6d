/**
 * The run's one clock: every wait the action makes reads it (the waits between attempts, a
 * Retry-After, the grace an extra gets, the deadline of a request, of the reading and of publishing),
 * so a test can run the action with a clock of its own and control time without patching timers or
 * recognising a wait by its length.
 *
 * A test installs its clock before the action starts (a module preloaded with `node --import`) at
 * {@link CLOCK_KEY} on globalThis; nothing else, no input nor environment variable, can change it.
 */
import { setTimeout as sleep } from 'node:timers/promises'

/** What a wait is for: a test clock may shorten waits and graces and keep deadlines real. */
export type WaitKind = 'wait' | 'grace' | 'deadline'

export interface Clock {
  now(): number
  /** Resolves after `ms`; rejects when `signal` aborts first. */
  sleep(ms: number, kind: WaitKind, signal?: AbortSignal): Promise<void>
  /** In [0, 1): spreads waits so that throttled runners do not come back in lockstep. */
  random(): number
}

export const REAL_TIME: Clock = {
  now: () => Date.now(),
  sleep: async (ms, _kind, signal) => {
    await sleep(ms, undefined, signal ? { signal } : undefined)
  },
  random: () => Math.random()
}

/** Where a test's preloaded module puts the clock the run is to use. */
export const CLOCK_KEY = Symbol.for('defender-secure-score-action.clock')

/** The clock of this run: a test's, when one was installed before the action started; the real one otherwise. */
export function runClock(): Clock {
  const installed: unknown = Reflect.get(globalThis, CLOCK_KEY)
  return isClock(installed) ? installed : REAL_TIME
}

function isClock(value: unknown): value is Clock {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof Reflect.get(value, 'now') === 'function' &&
    typeof Reflect.get(value, 'sleep') === 'function' &&
    typeof Reflect.get(value, 'random') === 'function'
  )
}
