/** Unit tests of the pure decisions: settings, retry policy, gate, error descriptions, rendering. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { describeApiFailure, parseRecommendations, parseScoreResponse, topRecommendations } from '../src/defender.js'
import { describeTokenFailure, parseEntraError, presentedAssertion } from '../src/entra.js'
import { ConfigurationError, failureMessage, ServiceError } from '../src/errors.js'
import { evaluateChecks, exposureLevel, formatPoints, type GateFacts } from '../src/gate.js'
import { badgeSpec, renderComment, renderSummary, reportOutputs, sparkline, staticBadgeUrl, type ScoreReport } from '../src/report.js'
import { decideRetry, isRetryableStatus, parseRetryAfter, type RetryPolicy } from '../src/retry.js'
import { parseSettings, type RawInputs } from '../src/settings.js'
import { parseHistory, viewHistory, type HistoryEntry } from '../src/history.js'
import { isLoopbackHost } from '../src/url-policy.js'
import { parseOutputFile, rawInputs } from './harness.js'

const OIDC_ENV = { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://example/idtoken?x=1', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' }

function settings(overrides: Partial<RawInputs>, env: NodeJS.ProcessEnv = OIDC_ENV) {
  return parseSettings(rawInputs(overrides), env, new Date())
}

describe('settings', () => {
  it('reads the defaults as OIDC with no gate', () => {
    const parsed = settings({})
    assert.equal(parsed.credential.method, 'oidc')
    assert.equal(parsed.minScore, undefined)
    assert.equal(parsed.timeoutMs, 30_000)
    assert.equal(parsed.maxRetries, 3)
    assert.equal(parsed.apiUrl, 'https://api.securitycenter.microsoft.com')
  })

  it('resolves auto: token, then secret, then OIDC', () => {
    assert.equal(settings({ 'access-token': 'a', 'client-secret': 's' }).credential.method, 'token')
    assert.equal(settings({ 'client-secret': 's' }).credential.method, 'secret')
    assert.equal(settings({}).credential.method, 'oidc')
    assert.equal(settings({ 'auth-method': 'OIDC', 'client-secret': 's' }).credential.method, 'oidc')
  })

  it('does not need tenant-id nor client-id with an access token', () => {
    const parsed = settings({ 'access-token': 'a', 'tenant-id': '', 'client-id': '' }, {})
    assert.equal(parsed.tenantId, '')
    assert.equal(parsed.clientId, '')
  })

  it('parses thresholds, including fractions', () => {
    assert.equal(settings({ 'min-score': '400' }).minScore, 400)
    assert.equal(settings({ 'min-score': '0' }).minScore, 0)
    assert.equal(settings({ 'min-score': '412.5' }).minScore, 412.5)
    for (const bad of ['-1', 'abc', '1e3', '40O', 'Infinity', '.5', '5.']) {
      assert.throws(() => settings({ 'min-score': bad }), { name: 'ConfigurationError', message: new RegExp(`^Invalid min-score '${bad.replace('.', '\\.')}'`) })
    }
  })

  it('accepts the YAML core-schema booleans only', () => {
    assert.equal(settings({ 'fail-on-low-score': 'FALSE' }).failOnLowScore, false)
    assert.equal(settings({ 'job-summary': 'True' }).jobSummary, true)
    assert.throws(() => settings({ 'job-summary': 'yes' }), /^ConfigurationError: Invalid job-summary 'yes'/)
  })

  it('strips a trailing slash and keeps a path prefix of service URLs', () => {
    assert.equal(settings({ 'api-url': 'https://proxy.example.com/defender/' }).apiUrl, 'https://proxy.example.com/defender')
    assert.equal(settings({ 'authority-host': 'http://127.0.0.1:8080/' }).authorityHost, 'http://127.0.0.1:8080')
    assert.equal(settings({ 'api-url': 'http://[::1]:9/' }).apiUrl, 'http://[::1]:9')
  })

  it('refuses clear-text http to anything but loopback', () => {
    for (const url of ['http://example.com', 'http://10.0.0.1', 'http://127.0.0.1.nip.io', 'http://localhost.example.com']) {
      assert.throws(() => settings({ 'api-url': url }), /clear text/, url)
    }
  })

  it('does not echo a URL that carries credentials', () => {
    assert.throws(
      () => settings({ 'api-url': 'https://user:hunter2@example.com' }),
      (error: Error) => error instanceof ConfigurationError && !error.message.includes('hunter2')
    )
  })

  it('bounds timeout-seconds and max-retries', () => {
    assert.equal(settings({ 'timeout-seconds': '0.5' }).timeoutMs, 500)
    assert.throws(() => settings({ 'timeout-seconds': '601' }), /timeout-seconds/)
    assert.throws(() => settings({ 'timeout-seconds': '-3' }), /timeout-seconds/)
    assert.throws(() => settings({ 'timeout-seconds': '' }), /timeout-seconds/)
    assert.equal(settings({ 'max-retries': '0' }).maxRetries, 0)
    assert.throws(() => settings({ 'max-retries': '1.5' }), /max-retries/)
  })

  it('needs the OIDC environment only when OIDC is the method', () => {
    assert.throws(() => settings({}, {}), /id-token: write/)
    assert.equal(settings({ 'client-secret': 's' }, {}).credential.method, 'secret')
  })
})

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
  const policy: RetryPolicy = { maxRetries: 3, baseDelayMs: 1000, maxBackoffMs: 30_000, maxRetryAfterMs: 60_000 }
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

  it('honours Retry-After, capped', () => {
    assert.deepEqual(decideRetry(policy, 0, { kind: 'response', status: 429, retryAfter: '2' }, now, 0.9), {
      retry: true,
      delayMs: 2000,
      reason: 'retry-after'
    })
    assert.deepEqual(decideRetry(policy, 0, { kind: 'response', status: 429, retryAfter: '86400' }, now, 0), {
      retry: true,
      delayMs: 60_000,
      reason: 'retry-after',
      cappedFromMs: 86_400_000
    })
  })

  it('backs off exponentially with bounded jitter otherwise', () => {
    const delays = [0, 1, 2, 3, 4, 5, 6].map(
      retries => decideRetry({ ...policy, maxRetries: 10 }, retries, { kind: 'response', status: 500 }, now, 0)
    )
    assert.deepEqual(
      delays.map(decision => (decision.retry ? decision.delayMs : -1)),
      [500, 1000, 2000, 4000, 8000, 15_000, 15_000]
    )
    const highest = decideRetry(policy, 1, { kind: 'network-error', retryable: true }, now, 0.999_999)
    assert.ok(highest.retry && highest.delayMs === 2000)
  })
})

describe('checks', () => {
  const facts: GateFacts = {
    score: 340,
    time: '2026-11-24T00:00:00Z',
    minScore: undefined,
    exposure: undefined,
    maxExposureScore: undefined,
    previous: undefined,
    maxDrop: undefined
  }

  it('checks nothing without thresholds', () => {
    assert.deepEqual(evaluateChecks(facts), [])
    assert.deepEqual(evaluateChecks({ ...facts, maxDrop: 5 }), [], 'max-drop needs a previous reading')
    assert.deepEqual(evaluateChecks({ ...facts, maxExposureScore: 5 }), [], 'max-exposure-score needs an exposure reading')
  })

  it('passes at or above min-score and fails below it, naming both', () => {
    assert.equal(evaluateChecks({ ...facts, minScore: 340 })[0]?.passed, true)
    const [failed] = evaluateChecks({ ...facts, score: 339.5, minScore: 340 })
    assert.equal(failed?.passed, false)
    assert.equal(failed?.message, 'Device secure score 339.5 is below the threshold min-score 340 (short by 0.5 points).')
  })

  it('fails an exposure score above max-exposure-score (lower is better)', () => {
    assert.equal(evaluateChecks({ ...facts, exposure: 50, maxExposureScore: 50 })[0]?.passed, true)
    const [failed] = evaluateChecks({ ...facts, exposure: 72, maxExposureScore: 50 })
    assert.equal(failed?.message, 'Exposure score 72 (high) is above the threshold max-exposure-score 50 (lower is better).')
  })

  it('fails a fall larger than max-drop, naming both readings', () => {
    const previous = { score: 365, time: '2026-11-20T00:00:00Z' }
    assert.equal(evaluateChecks({ ...facts, previous, maxDrop: 25 })[0]?.passed, true)
    assert.equal(evaluateChecks({ ...facts, score: 400, previous, maxDrop: 0 })[0]?.passed, true, 'a rise never fails')
    const [failed] = evaluateChecks({ ...facts, previous, maxDrop: 10 })
    assert.equal(
      failed?.message,
      'Device secure score fell by 25 points, more than max-drop 10: from 365 at 2026-11-20T00:00:00Z to 340 at 2026-11-24T00:00:00Z.'
    )
  })

  it('bands exposure as Microsoft does and formats points', () => {
    assert.deepEqual([0, 29, 29.9, 30, 69, 70, 100].map(exposureLevel), ['low', 'low', 'low', 'medium', 'medium', 'high', 'high'])
    assert.equal(formatPoints(1 / 3), '0.33')
    assert.equal(formatPoints(2.5), '2.5')
    assert.equal(formatPoints(7), '7')
  })
})

describe('history', () => {
  const entry = (score: number, tenant = 't1', time = `2026-11-${10 + score}T00:00:00Z`): HistoryEntry => ({
    time,
    score,
    exposure: null,
    tenant,
    apiHost: 'h'
  })

  it('reads JSON lines, counting the ones that are not readings', () => {
    const text = [JSON.stringify(entry(1)), '{broken', '', JSON.stringify({ score: 'x', time: 't' }), '[1]', JSON.stringify({ ...entry(2), exposure: 40 })].join('\n')
    const file = parseHistory(text)
    assert.deepEqual(file.entries.map(item => [item.score, item.exposure]), [[1, null], [2, 40]])
    assert.equal(file.unreadableLines, 3)
    assert.equal(file.needsNewline, true)
    assert.equal(parseHistory('').needsNewline, false)
    assert.equal(parseHistory(`${JSON.stringify(entry(1))}\n`).needsNewline, false)
  })

  it('compares with the previous reading of the same tenant only', () => {
    const entries = [entry(1), entry(2, 't2'), entry(3), entry(4, 't2')]
    const view = viewHistory(entries, entry(5), 3)
    assert.equal(view.previous?.score, 3)
    assert.deepEqual(view.recent.map(item => item.score), [1, 3, 5])
    assert.equal(viewHistory([], entry(5), 10).previous, undefined)
  })
})

describe('Entra errors', () => {
  const body = JSON.stringify({
    error: 'invalid_client',
    error_description: 'AADSTS7000222: The provided client secret keys for app are expired. Trace ID: t',
    error_codes: [7000222]
  })

  it('parses the documented error shape', () => {
    assert.deepEqual(parseEntraError(body), {
      error: 'invalid_client',
      description: 'AADSTS7000222: The provided client secret keys for app are expired. Trace ID: t',
      code: 7000222
    })
    assert.equal(parseEntraError(JSON.stringify({ error: 'x', error_description: 'AADSTS50027: bad' }))?.code, 50027)
    for (const other of ['', '<html/>', '[]', '{"message":"x"}', 'null']) {
      assert.equal(parseEntraError(other), undefined, other)
    }
  })

  it('gives code, description and a hint', () => {
    const message = describeTokenFailure({ status: 401, headers: {}, body })
    assert.equal(
      message,
      'Entra ID refused the token request (HTTP 401, AADSTS7000222 invalid_client): AADSTS7000222: The provided client secret keys for app are expired. Trace ID: t\n' +
        'Fix: The client secret has expired: create a new one under Certificates & secrets and update the repository secret.'
    )
  })

  it('adds the presented claims only for federation mismatches', () => {
    const assertion = { issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:o/r:ref:refs/heads/x', audience: 'api://AzureADTokenExchange' }
    const mismatch = JSON.stringify({ error: 'invalid_client', error_description: 'AADSTS700213: subject mismatch', error_codes: [700213] })
    assert.match(describeTokenFailure({ status: 400, headers: {}, body: mismatch }, assertion), /subject 'repo:o\/r:ref:refs\/heads\/x'/)
    assert.doesNotMatch(describeTokenFailure({ status: 401, headers: {}, body }, assertion), /subject/)
  })

  it('reads the claims of a presented JWT without trusting it', () => {
    const payload = Buffer.from(JSON.stringify({ iss: 'i', sub: 's', aud: ['a', 'b'] })).toString('base64url')
    assert.deepEqual(presentedAssertion(`h.${payload}.sig`), { issuer: 'i', subject: 's', audience: 'a, b' })
    assert.equal(presentedAssertion('not-a-jwt'), undefined)
    assert.equal(presentedAssertion('a.!!!.c'), undefined)
  })
})

describe('Defender responses', () => {
  const ok = (body: string) => ({ status: 200, headers: { 'content-type': 'application/json' }, body })

  it('accepts the documented object', () => {
    assert.deepEqual(parseScoreResponse(ok('{"@odata.context":"x","time":"2019-12-03T09:15:58.1665846Z","score":340}'), '/api/configurationScore'), {
      score: 340,
      time: '2019-12-03T09:15:58.1665846Z'
    })
  })

  it('refuses anything else as a ServiceError', () => {
    for (const body of ['', 'null', '"340"', '{}', '{"score":NaN}', '{"score":1e999,"time":"2019-12-03T09:15:58Z"}', '{"score":340}', '{"score":340,"time":5}']) {
      assert.throws(() => parseScoreResponse(ok(body), '/api/exposureScore'), { name: 'ServiceError', message: /GET \/api\/exposureScore/ }, body)
    }
  })

  it('reads recommendations leniently and ranks them by score impact', () => {
    const body = JSON.stringify({
      value: [
        { recommendationName: 'Low', configScoreImpact: 1, recommendationCategory: 'Accounts' },
        { recommendationName: 'High', configScoreImpact: 9, exposedMachinesCount: 3, totalMachineCount: 10 },
        { configScoreImpact: 99 },
        'junk',
        { recommendationName: 'No impact' }
      ]
    })
    const items = parseRecommendations(ok(body))
    assert.deepEqual(items.map(item => [item.name, item.configScoreImpact]), [['Low', 1], ['High', 9], ['No impact', 0]])
    assert.deepEqual(topRecommendations(items, 2).map(item => item.name), ['High', 'Low'])
    assert.throws(() => parseRecommendations(ok('{"items":[]}')), /not with the documented \{ "value": \[\.\.\.\] \} collection/)
  })

  it('describes API errors with code, message, request id and a hint', () => {
    const body = JSON.stringify({ error: { code: 'DisabledFeature', message: 'Feature off', target: 'abc' } })
    assert.equal(
      describeApiFailure('/api/x', { status: 403, headers: {}, body }, 'Score.Read.All'),
      'The Defender API refused GET /api/x (HTTP 403, DisabledFeature: Feature off (request id abc)).\n' +
        'Fix: a feature this endpoint needs is not enabled in the tenant: turn it on in the Microsoft Defender portal settings.'
    )
    assert.match(describeApiFailure('/api/x', { status: 502, headers: { 'content-type': 'text/plain' }, body: 'oops' }, 'P'), /HTTP 502, text\/plain, 4 bytes: "oops"/)
  })
})

describe('report', () => {
  const report: ScoreReport = {
    reading: { score: 340, time: '2019-12-03T09:15:58.1665846Z' },
    exposure: undefined,
    recommendations: undefined,
    history: undefined,
    checks: [{ input: 'min-score', limit: 400, value: 340, passed: false, message: 'below' }],
    enforced: true,
    tenant: 'contoso.onmicrosoft.com',
    cloud: 'commercial',
    region: undefined,
    apiHost: 'api.securitycenter.microsoft.com',
    authMethod: 'secret'
  }

  it('renders outputs', () => {
    assert.deepEqual(reportOutputs(report), {
      score: '340',
      'score-time': '2019-12-03T09:15:58.1665846Z',
      'min-score': '400',
      passed: 'false',
      'exposure-score': '',
      'previous-score': '',
      'score-delta': '',
      'badge-json': '{"schemaVersion":1,"label":"device secure score","message":"340","color":"red"}'
    })
    const unchecked = reportOutputs({ ...report, checks: [] })
    assert.equal(unchecked['min-score'], '')
    assert.equal(unchecked['passed'], 'true')
  })

  it('colours the badge by the checks and builds a shields.io URL', () => {
    assert.deepEqual(badgeSpec(report), { label: 'device secure score', message: '340', color: 'red' })
    assert.equal(badgeSpec({ ...report, checks: [] }).color, 'lightgrey')
    assert.equal(badgeSpec({ ...report, checks: [{ ...report.checks[0]!, passed: true }] }).color, 'green')
    assert.equal(
      staticBadgeUrl({ label: 'device secure-score_x', message: '412.5', color: 'green' }),
      'https://img.shields.io/badge/device%20secure--score__x-412.5-green'
    )
  })

  it('renders the summary with verdict, checks and where it came from', () => {
    const summary = renderSummary(report)
    assert.match(summary, /^## ❌ Device secure score: 340 points\n\n1 of 1 check failed\.\n/)
    assert.match(summary, /\| Score \(`min-score`\) \| at least 400 \| 340 \| ❌ failed \|/)
    assert.match(summary, /\| API host \| `api\.securitycenter\.microsoft\.com` \|/)
    assert.match(summary, /\| Signed in with \| client secret \|/)
    assert.match(renderSummary({ ...report, enforced: false }), /⚠️ failed \(warning\)/)
    assert.doesNotMatch(summary, /%/, 'points, never a percentage')
  })

  it('lists recommendations, exposure and the trend', () => {
    const history = {
      previous: { time: 'T2', score: 330, exposure: 40, tenant: 't', apiHost: 'h' },
      recent: [
        { time: 'T1', score: 300, exposure: null, tenant: 't', apiHost: 'h' },
        { time: 'T2', score: 330, exposure: 40, tenant: 't', apiHost: 'h' },
        { time: 'T3', score: 340, exposure: 42, tenant: 't', apiHost: 'h' }
      ]
    }
    const summary = renderSummary({
      ...report,
      exposure: { score: 42, time: 'T3' },
      recommendations: [{ name: 'Enable | Firewall', category: 'Network', product: 'Windows', configScoreImpact: 3.5, exposedMachines: 2, totalMachines: 9 }],
      history
    })
    assert.match(summary, /\| Exposure score \| 42, medium \(0-29 low/)
    assert.match(summary, /\| 1 \| Enable &#124; Firewall \| Network \| \+3\.5 \| 2 of 9 \|/)
    assert.match(summary, /\*\*340\*\* points, up 10 since the previous reading \(330 at T2\)/)
    assert.match(summary, /Trend: `▁▆█` 300 → 340 \(\+40\)/)
    assert.match(summary, /\| T3 \| 340 \| \+10 \| 42 \|/)
  })

  it('renders the comment from the same model, with marker and badge', () => {
    const comment = renderComment(report, 'https://github.com/o/r/actions/runs/1')
    assert.match(comment, /^<!-- defender-secure-score-action tenant=contoso\.onmicrosoft\.com -->\n!\[device secure score: 340\]\(https:\/\/img\.shields\.io\/badge\/device%20secure%20score-340-red\)/)
    assert.ok(comment.includes(renderSummary(report).split('\n').slice(0, 8).join('\n')), 'same overview as the summary')
    assert.match(comment, /\[this workflow run\]\(https:\/\/github\.com\/o\/r\/actions\/runs\/1\)/)
  })

  it('draws a sparkline', () => {
    assert.equal(sparkline([1, 2, 3, 4, 5, 6, 7, 8]), '▁▂▃▄▅▆▇█')
    assert.equal(sparkline([5, 5]), '▄▄')
  })

  it('escapes table-breaking characters', () => {
    assert.match(renderSummary({ ...report, reading: { score: 1, time: 'a|b<c>' } }), /\| Reported at \| a&#124;b&#60;c&#62; \|/)
  })
})

describe('errors', () => {
  it('passes expected failures through and wraps the unexpected', () => {
    assert.equal(failureMessage(new ConfigurationError('fix it')), 'fix it')
    assert.equal(failureMessage(new ServiceError('down')), 'down')
    assert.match(failureMessage(new TypeError('x is undefined')), /^Unexpected error in the action: x is undefined\. Please report it/)
  })
})

describe('harness', () => {
  it('parses GITHUB_OUTPUT blocks', () => {
    assert.deepEqual(parseOutputFile('a<<ghadelimiter_1\nx\nghadelimiter_1\nb<<ghadelimiter_2\nline1\nline2\nghadelimiter_2\n'), {
      a: 'x',
      b: 'line1\nline2'
    })
  })
})
