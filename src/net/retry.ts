/** When and how long to wait before retrying a request: pure, so every branch is unit-tested. */
export interface RetryPolicy {
  /** Retries allowed after the first attempt. */
  maxRetries: number
  /** First backoff when the server gives no Retry-After; doubles on each retry. */
  baseDelayMs: number
  /** Ceiling of the exponential backoff. */
  maxBackoffMs: number
  /** Ceiling of a server's Retry-After, so that a runner is never parked for an absurd time. */
  maxRetryAfterMs: number
  /** First wait after a 429 without Retry-After (up to twice this, jittered): throttling may be momentary. */
  throttleRetryMs: number
  /**
   * The throttling window a 429 without Retry-After is waited out past: from the second retry on,
   * the waits add up to at least this since the first 429. Microsoft promises no Retry-After, and
   * its documented limits are per minute.
   */
  throttleWindowMs: number
}

export const DEFAULT_BACKOFF = {
  baseDelayMs: 1000,
  maxBackoffMs: 30_000,
  maxRetryAfterMs: 60_000,
  throttleRetryMs: 2000,
  throttleWindowMs: 60_000
} as const

/** What one attempt ended with. */
export type AttemptOutcome =
  | { kind: 'response'; status: number; retryAfter?: string | undefined }
  | { kind: 'network-error'; retryable: boolean }

export type RetryDecision =
  | { retry: false }
  | { retry: true; delayMs: number; reason: 'retry-after' | 'throttled' | 'backoff'; cappedFromMs?: number }

/** 429 (throttled) and 5xx are transient; any other status is an answer and is never retried. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599)
}

/** The three HTTP-date forms RFC 9110 5.6.7 allows: IMF-fixdate, the obsolete RFC 850 form, and asctime. */
const HTTP_DATE = [
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT$/,
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/
]

/**
 * Parses Retry-After, which is either delta-seconds or an HTTP date (RFC 9110 10.2.3).
 * Returns milliseconds from now, or undefined when absent or neither form: `Date.parse` alone
 * reads `Retry in 5` as a date in 2001, and a throttle would then never be waited out.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  const text = value?.trim()
  if (!text) {
    return undefined
  }
  if (/^\d+$/.test(text)) {
    return Number(text) * 1000
  }
  if (!HTTP_DATE.some(form => form.test(text))) {
    return undefined
  }
  const dateMs = Date.parse(text.replace(/-/g, ' '))
  return Number.isNaN(dateMs) ? undefined : Math.max(0, dateMs - nowMs)
}

/**
 * Decides whether to retry after `retriesDone` retries. `random` in [0, 1) spreads every wait, so
 * that many runners throttled together do not come back in lockstep:
 * - a Retry-After is honoured (up to {@link RetryPolicy.maxRetryAfterMs}) plus up to 1 s and 10 %;
 * - a 429 without one is retried once after 2-4 s, then waited out past the throttling window;
 * - a 5xx or a network failure backs off exponentially (half fixed, half jitter).
 */
export function decideRetry(
  policy: RetryPolicy,
  retriesDone: number,
  outcome: AttemptOutcome,
  nowMs: number,
  random: number
): RetryDecision {
  if (retriesDone >= policy.maxRetries) {
    return { retry: false }
  }
  if (outcome.kind === 'network-error' && !outcome.retryable) {
    return { retry: false }
  }
  if (outcome.kind === 'response') {
    if (!isRetryableStatus(outcome.status)) {
      return { retry: false }
    }
    const retryAfterMs = parseRetryAfter(outcome.retryAfter, nowMs)
    if (retryAfterMs !== undefined) {
      const jittered = Math.round(retryAfterMs + random * (1000 + retryAfterMs / 10))
      return retryAfterMs > policy.maxRetryAfterMs
        ? { retry: true, delayMs: policy.maxRetryAfterMs, reason: 'retry-after', cappedFromMs: retryAfterMs }
        : { retry: true, delayMs: Math.min(policy.maxRetryAfterMs, jittered), reason: 'retry-after' }
    }
    if (outcome.status === 429) {
      const first = policy.throttleRetryMs
      // The first wait is at least `first`, so with the second's floor (window - first) the waits add up past the window.
      const delayMs = retriesDone === 0 ? first + first * random : policy.throttleWindowMs - first + 4 * first * random
      return { retry: true, delayMs: Math.round(delayMs), reason: 'throttled' }
    }
  }
  const exponential = Math.min(policy.maxBackoffMs, policy.baseDelayMs * 2 ** retriesDone)
  return { retry: true, delayMs: Math.round(exponential / 2 + (exponential / 2) * random), reason: 'backoff' }
}
