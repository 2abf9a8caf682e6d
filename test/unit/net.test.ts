/** The network edge: which URLs may carry tokens, and when to retry. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decideRetry, DEFAULT_BACKOFF, isRetryableStatus, parseRetryAfter, type RetryPolicy } from '../../src/net/retry.js'
import { describeSeconds, Http } from '../../src/net/http.js'
import { REAL_TIME, type Clock } from '../../src/clock.js'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isLoopbackHost } from '../../src/net/url-policy.js'

describe('url policy', () => {
  it('knows loopback hosts', () => {
    for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.255.0.9', '[::1]']) {
      assert.equal(isLoopbackHost(host), true, host)
    }
    for (const host of ['127.0.0.256', '127.0.0', '128.0.0.1', 'example.com', '127.0.0.1.example.com', '[::2]']) {
      assert.equal(isLoopbackHost(host), false, host)
    }
  })
})

describe('retry policy', () => {
  const policy: RetryPolicy = { maxRetries: 3, ...DEFAULT_BACKOFF }
  const now = Date.parse('2026-01-01T00:00:00Z')

  it('retries only 429 and 5xx among statuses', () => {
    assert.deepEqual([429, 500, 503, 599].map(isRetryableStatus), [true, true, true, true])
    assert.deepEqual([200, 400, 401, 403, 404, 409, 600].map(isRetryableStatus), [false, false, false, false, false, false, false])
    assert.deepEqual(decideRetry(policy, 0, { kind: 'response', status: 403 }, now, 0), { retry: false })
  })

  it('never retries a permanent network failure (an untrusted certificate)', () => {
    assert.deepEqual(decideRetry(policy, 0, { kind: 'network-error', retryable: false }, now, 0), { retry: false })
  })

  it('stops after maxRetries', () => {
    assert.equal(decideRetry(policy, 2, { kind: 'network-error', retryable: true }, now, 0).retry, true)
    assert.deepEqual(decideRetry(policy, 3, { kind: 'network-error', retryable: true }, now, 0), { retry: false })
    assert.deepEqual(decideRetry({ ...policy, maxRetries: 0 }, 0, { kind: 'response', status: 503 }, now, 0), { retry: false })
  })

  it('reads Retry-After as seconds or as an HTTP date', () => {
    assert.equal(parseRetryAfter('7', now), 7000)
    assert.equal(parseRetryAfter(' 0 ', now), 0)
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now), 5000)
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now), 0, 'a date in the past means now')
    for (const unreadable of [undefined, '', '-1', '1.5', 'soon', '2026-01-01']) {
      assert.equal(parseRetryAfter(unreadable, now), undefined, String(unreadable))
    }
  })

  it('honours Retry-After, jittered by up to 1 s and 10 %, capped', () => {
    assert.deepEqual(decideRetry(policy, 0, { kind: 'response', status: 429, retryAfter: '2' }, now, 0), {
      retry: true,
      delayMs: 2000,
      reason: 'retry-after'
    })
    assert.deepEqual(decideRetry(policy, 0, { kind: 'response', status: 429, retryAfter: '2' }, now, 0.5), {
      retry: true,
      delayMs: 2600,
      reason: 'retry-after'
    })
    const nearCap = decideRetry(policy, 0, { kind: 'response', status: 503, retryAfter: '59' }, now, 0.999)
    assert.ok(nearCap.retry && nearCap.delayMs === 60_000, 'jitter never takes a wait past the cap')
    assert.deepEqual(decideRetry(policy, 0, { kind: 'response', status: 429, retryAfter: '86400' }, now, 0), {
      retry: true,
      delayMs: 60_000,
      reason: 'retry-after',
      cappedFromMs: 86_400_000
    })
  })

  it('retries a 429 without Retry-After once soon, then past a full throttling window', () => {
    const throttled = { kind: 'response', status: 429 } as const
    for (const random of [0, 0.5, 0.999_999]) {
      const waits = [0, 1, 2].map(retries => decideRetry(policy, retries, throttled, now, random))
      const delays = waits.map(decision => (decision.retry ? decision.delayMs : Number.NaN))
      assert.ok(waits.every(decision => decision.retry && decision.reason === 'throttled'))
      assert.ok(delays[0]! >= 2000 && delays[0]! <= 4000, `first wait ${delays[0]}`)
      assert.ok(delays[0]! + delays[1]! >= 60_000, `two waits add up past the minute: ${delays[0]! + delays[1]!}`)
      assert.ok(delays[0]! + delays[1]! <= 70_000, `and not much further: ${delays[0]! + delays[1]!}`)
    }
    const [early, late] = [0, 0.9].map(random => decideRetry(policy, 1, throttled, now, random))
    assert.ok(early?.retry && late?.retry && late.delayMs - early.delayMs >= 7000, 'runners spread over seconds, not lockstep')
  })

  it('backs off exponentially with bounded jitter otherwise', () => {
    const delays = [0, 1, 2, 3, 4, 5, 6].map(retries =>
      decideRetry({ ...policy, maxRetries: 10 }, retries, { kind: 'response', status: 500 }, now, 0)
    )
    assert.deepEqual(
      delays.map(decision => (decision.retry ? decision.delayMs : -1)),
      [500, 1000, 2000, 4000, 8000, 15_000, 15_000]
    )
    const highest = decideRetry(policy, 1, { kind: 'network-error', retryable: true }, now, 0.999_999)
    assert.ok(highest.retry && highest.delayMs === 2000)
  })
})

describe('Http with an injected clock', () => {
  /** Answers each request with the next of `answers`, then 200. */
  async function serve(answers: Array<{ status: number; headers?: Record<string, string> }>) {
    const server = createServer((_request, response) => {
      const answer = answers.shift() ?? { status: 200 }
      response.writeHead(answer.status, answer.headers).end('{}')
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` }
  }

  /** Waits between attempts are recorded and over at once; deadlines keep real time. */
  function fakeClock(): Clock & { waits: number[] } {
    const waits: number[] = []
    return {
      waits,
      now: () => Date.parse('2026-01-01T00:00:00Z'),
      random: () => 0.5,
      sleep: async (ms, kind, signal) => (kind === 'wait' ? void waits.push(ms) : REAL_TIME.sleep(ms, kind, signal))
    }
  }

  it('caps a Retry-After of a day at 60 s, and waits it through the clock it was given', async () => {
    const { server, url } = await serve([
      { status: 429, headers: { 'Retry-After': '86400' } },
      { status: 503, headers: { 'Retry-After': '3' } }
    ])
    const clock = fakeClock()
    const http = new Http(5000, { maxRetries: 3, ...DEFAULT_BACKOFF }, clock)
    try {
      const response = await http.send({ service: 'a test server', method: 'GET', url, headers: {} })
      assert.equal(response.status, 200)
      assert.deepEqual(clock.waits, [60_000, 3650], 'the cap, then 3 s plus half of the jitter (1 s + 10 %)')
    } finally {
      http.dispose()
      server.close()
    }
  })

  it('gives up after max-retries with the last answer, having waited past the throttling window', async () => {
    const { server, url } = await serve([{ status: 429 }, { status: 429 }, { status: 429 }])
    const clock = fakeClock()
    const http = new Http(5000, { maxRetries: 2, ...DEFAULT_BACKOFF }, clock)
    try {
      const response = await http.send({ service: 'a test server', method: 'GET', url, headers: {} })
      assert.equal(response.status, 429)
      assert.equal(clock.waits.length, 2)
      assert.ok(clock.waits.reduce((sum, wait) => sum + wait, 0) >= 60_000)
    } finally {
      http.dispose()
      server.close()
    }
  })
})

describe('Retry-After that is neither form', () => {
  const now = Date.parse('2026-01-01T00:00:00Z')

  it('is treated as absent: prose, ISO dates and numbers with units are not HTTP dates', () => {
    for (const value of ['Retry in 5', 'in 5 seconds', '5s', '2026-01-01T00:00:05Z', 'Thu, 01 Jan 2026', 'tomorrow 1']) {
      assert.equal(parseRetryAfter(value, now), undefined, value)
    }
  })

  it('reads the three HTTP-date forms RFC 9110 allows', () => {
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now), 5000)
    assert.equal(parseRetryAfter('Thursday, 01-Jan-26 00:00:06 GMT', now), 6000)
    assert.equal(parseRetryAfter('Thu Jan  1 00:00:07 2026', now), 7000)
  })

  it('a capped huge wait is described in plain seconds', () => {
    assert.match(describeSeconds(1e26), /^1\d{23} s$/, 'no exponent notation')
    assert.equal(describeSeconds(Number.POSITIVE_INFINITY), 'longer than any number of seconds')
    assert.equal(describeSeconds(86_400_000), '86400 s')
  })
})
