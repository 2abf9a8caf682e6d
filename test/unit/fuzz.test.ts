/**
 * Property-based tests (fast-check): whatever a workflow passes as inputs, and whatever bytes a
 * server answers with, the action's parsers either accept it (and then what they return is sound)
 * or refuse it with the action's own typed error, a refusal that names the input to fix.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { parseClientCertificate } from '../../src/signin/certificate.js'
import { describeApiFailure } from '../../src/defender/api.js'
import { parseRecommendations } from '../../src/sources/recommendations/answers.js'
import { parseScoreResponse } from '../../src/defender/answers.js'
import { describeTokenFailure, parseEntraError, presentedAssertion } from '../../src/signin/entra.js'
import { ConfigurationError, ServiceError } from '../../src/errors.js'
import { parseHistory } from '../../src/history/history.js'
import type { HttpResponse } from '../../src/net/http.js'
import { decideRetry, DEFAULT_BACKOFF, parseRetryAfter } from '../../src/net/retry.js'
import { INPUT_NAMES, parseSettings, type InputName, type RawInputs } from '../../src/config/inputs.js'
import { rawInputs } from '../support/harness.js'

/** Runs per property: 12 properties (the first at twice this), 19,500 cases a run. */
const RUNS = 1500
const NOW = new Date('2026-11-24T09:00:00Z')
const ENV = { GITHUB_WORKSPACE: '/home/runner/work/repo/repo' }
const OIDC_ENV = {
  ...ENV,
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://pipelines.actions.githubusercontent.com/x?api-version=2.0',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runner-bearer'
}

/** Calls `parse`; a throw must be an instance of `expected`, anything else fails the property. */
function typedOutcome<T>(parse: () => T, expected: typeof ConfigurationError | typeof ServiceError): { value: T } | { error: Error } {
  try {
    return { value: parse() }
  } catch (error) {
    assert.ok(error instanceof expected, `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`)
    return { error }
  }
}

/** Text a workflow might put in an input: plausible values, their near misses, and anything at all. */
const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '\n', '0', '-1', '1e3', '0x10', 'NaN', 'Infinity', '1,5', '١٢٣', 'true', 'yes', 'null', '${{ secrets.X }}'),
  fc.double().map(String),
  fc.integer().map(String),
  fc.webUrl().map(url => url.replace(/^https:/, 'http:')),
  fc.webUrl(),
  fc.uuid(),
  fc.domain()
)

/** Inputs that name another input in their refusals, because one decides what the other must be. */
const RELATED: Partial<Record<InputName, InputName[]>> = {
  'auth-method': ['client-secret', 'client-certificate', 'access-token', 'tenant-id', 'client-id'],
  cloud: ['region']
}

describe('fuzzing input parsing', () => {
  it('changing any one input of a valid set either still parses or is refused naming that input', () =>
    fc.assert(
      fc.property(fc.constantFrom(...INPUT_NAMES), anyText, (name, value) => {
        const raw: RawInputs = { ...rawInputs({ 'client-secret': 'a-secret', 'min-score': '400' }), [name]: value }
        const outcome = typedOutcome(() => parseSettings(raw, ENV, NOW), ConfigurationError)
        if ('error' in outcome) {
          const named = [name, ...(RELATED[name] ?? [])].some(input => outcome.error.message.includes(input))
          assert.ok(named, `refusing ${name}=${JSON.stringify(value)} with: ${outcome.error.message}`)
        }
      }),
      { numRuns: RUNS * 2 }
    ))

  it('any inputs at all, OIDC environment or not: parsed, or a ConfigurationError naming an input', () =>
    fc.assert(
      fc.property(
        fc.record(
          Object.fromEntries(INPUT_NAMES.map(name => [name, fc.oneof(fc.constant(rawInputs()[name]), anyText)])) as Record<
            InputName,
            fc.Arbitrary<string>
          >
        ),
        fc.boolean(),
        (raw, oidc) => {
          const outcome = typedOutcome(() => parseSettings(raw, oidc ? OIDC_ENV : ENV, NOW), ConfigurationError)
          if ('error' in outcome) {
            const names = [...INPUT_NAMES, 'ACTIONS_ID_TOKEN_REQUEST_URL', 'GITHUB_API_URL']
            assert.ok(
              names.some(input => outcome.error.message.includes(input)),
              outcome.error.message
            )
          }
        }
      ),
      { numRuns: RUNS }
    ))

  it('thresholds: accepted only as finite non-negative points, equal to what was written', () =>
    fc.assert(
      fc.property(fc.oneof(anyText, fc.double({ min: 0, noNaN: true }).map(String)), value => {
        const outcome = typedOutcome(
          () =>
            parseSettings(
              rawInputs({ 'client-secret': 's', 'min-score': value, 'max-drop': value, 'history-file': 'history.jsonl' }),
              ENV,
              NOW
            ),
          ConfigurationError
        )
        if ('value' in outcome && value !== '') {
          assert.ok(
            Number.isFinite(outcome.value.tenants[0]?.limits['min-score']) && (outcome.value.tenants[0]?.limits['min-score'] ?? -1) >= 0
          )
          assert.equal(outcome.value.tenants[0]?.limits['min-score'], Number(value))
          assert.equal(outcome.value.tenants[0]?.limits['max-drop'], Number(value))
        }
      }),
      { numRuns: RUNS }
    ))

  it('booleans: exactly the YAML spellings of true and false', () =>
    fc.assert(
      fc.property(anyText, value => {
        const outcome = typedOutcome(
          () => parseSettings(rawInputs({ 'client-secret': 's', 'fail-on-low-score': value }), ENV, NOW),
          ConfigurationError
        )
        const spellings = ['true', 'True', 'TRUE', 'false', 'False', 'FALSE']
        assert.equal('value' in outcome, spellings.includes(value), value)
        if ('value' in outcome) {
          assert.equal(outcome.value.failOnLowScore, value.toLowerCase() === 'true')
        }
      }),
      { numRuns: RUNS }
    ))

  it('URLs: a token is only ever sent to https://, or to http:// on loopback', () =>
    fc.assert(
      fc.property(fc.oneof(anyText, fc.webUrl({ withQueryParameters: true, withFragments: true })), value => {
        const outcome = typedOutcome(
          () => parseSettings(rawInputs({ 'client-secret': 's', 'api-url': value, 'authority-host': value }), ENV, NOW),
          ConfigurationError
        )
        if ('value' in outcome && value !== '') {
          for (const accepted of [outcome.value.apiUrl, outcome.value.app.authorityHost]) {
            const url = new URL(accepted)
            assert.ok(url.protocol === 'https:' || /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(url.hostname), accepted)
            assert.equal(url.username + url.password + url.search + url.hash, '')
          }
        }
      }),
      { numRuns: RUNS }
    ))

  it('tenant ids: a GUID or a domain name, nothing else reaches the token URL', () =>
    fc.assert(
      fc.property(fc.oneof(anyText, fc.uuid(), fc.domain()), value => {
        const outcome = typedOutcome(
          () => parseSettings(rawInputs({ 'client-secret': 's', 'tenant-id': value }), ENV, NOW),
          ConfigurationError
        )
        if ('value' in outcome) {
          assert.match(outcome.value.tenants[0]?.id, /^[0-9a-z.-]+$/i)
        } else {
          assert.match(outcome.error.message, /tenant-id/)
        }
      }),
      { numRuns: RUNS }
    ))

  const base64Line = fc.base64String({ minLength: 4, maxLength: 64 })
  const pemBlock = fc
    .tuple(
      fc.constantFrom('PRIVATE KEY', 'RSA PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'EC PRIVATE KEY', 'CERTIFICATE', 'PUBLIC KEY'),
      fc.array(base64Line, { maxLength: 6 })
    )
    .map(([label, lines]) => `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`)

  it('PEM text: any blocks, any bytes, any password: a certificate, or a refusal naming client-certificate', () =>
    fc.assert(
      fc.property(fc.array(fc.oneof(pemBlock, fc.string()), { maxLength: 4 }), fc.string(), (parts, password) => {
        const outcome = typedOutcome(() => parseClientCertificate(parts.join(''), password, NOW), ConfigurationError)
        if ('error' in outcome) {
          assert.match(outcome.error.message, /client-certificate/)
        }
      }),
      { numRuns: RUNS }
    ))
})

/** What a server might send: arbitrary bytes, arbitrary JSON, and JSON of nearly the right shape. */
const anyBody = fc.oneof(
  // JSON numbers that overflow to Infinity, which JSON.parse gives without complaint.
  fc.constantFrom(
    '{"time":"2026-11-24T08:00:00Z","score":1e999}',
    '{"time":"2026-11-24T08:00:00Z","score":-1e999}',
    '{"value":[{"recommendationName":"x","configScoreImpact":1e999}]}'
  ),
  fc.uint8Array({ maxLength: 200 }).map(bytes => Buffer.from(bytes).toString('utf8')),
  fc.string(),
  fc.jsonValue().map(value => JSON.stringify(value)),
  fc
    .record(
      {
        time: fc.oneof(
          fc.date({ noInvalidDate: true }).map(date => date.toISOString()),
          fc.jsonValue()
        ),
        score: fc.oneof(fc.double(), fc.jsonValue())
      },
      { requiredKeys: [] }
    )
    .map(value => JSON.stringify(value)),
  fc
    .record({
      value: fc.oneof(
        fc.array(
          fc.dictionary(
            fc.constantFrom('recommendationName', 'configScoreImpact', 'exposedMachinesCount', 'recommendationCategory'),
            fc.jsonValue()
          )
        ),
        fc.jsonValue()
      )
    })
    .map(value => JSON.stringify(value)),
  fc
    .record(
      {
        error: fc.oneof(fc.dictionary(fc.constantFrom('code', 'message', 'target'), fc.jsonValue()), fc.jsonValue()),
        error_description: fc.jsonValue(),
        error_codes: fc.jsonValue()
      },
      { requiredKeys: [] }
    )
    .map(value => JSON.stringify(value))
)
const anyResponse = fc.record({
  status: fc.integer({ min: 100, max: 599 }),
  headers: fc.record({ 'content-type': fc.constantFrom('application/json', 'text/html', 'text/plain') }, { requiredKeys: [] }),
  body: anyBody
}) as fc.Arbitrary<HttpResponse>

describe('fuzzing response parsing', () => {
  it('score: a finite non-negative score with a real time, or a ServiceError', () =>
    fc.assert(
      fc.property(anyResponse, response => {
        const outcome = typedOutcome(() => parseScoreResponse(response, '/api/configurationScore'), ServiceError)
        if ('value' in outcome) {
          assert.ok(Number.isFinite(outcome.value.score) && outcome.value.score >= 0)
          assert.ok(!Number.isNaN(Date.parse(outcome.value.time)))
        }
      }),
      { numRuns: RUNS }
    ))

  it('recommendations: named items with finite numbers, or a ServiceError', () =>
    fc.assert(
      fc.property(anyResponse, response => {
        const outcome = typedOutcome(() => parseRecommendations(response, 50), ServiceError)
        if ('value' in outcome) {
          for (const item of outcome.value.active) {
            assert.ok(item.name.length > 0 && Number.isFinite(item.configScoreImpact))
          }
        }
      }),
      { numRuns: RUNS }
    ))

  it('error answers of Entra ID and the API: always a message, never a throw', () =>
    fc.assert(
      fc.property(anyResponse, fc.string(), (response, idToken) => {
        parseEntraError(response.body)
        const assertion = presentedAssertion(idToken)
        assert.match(describeTokenFailure(response, assertion), /^Entra ID /)
        assert.match(
          describeApiFailure('/api/configurationScore', response, 'Score.Read.All'),
          /^The Defender API refused GET \/api\/configurationScore \(HTTP \d+, [\s\S]*\nFix: /
        )
      }),
      { numRuns: RUNS }
    ))

  it('history files: any bytes give readings with finite scores, and count what they skipped', () =>
    fc.assert(
      fc.property(fc.array(fc.oneof(anyBody, fc.constant('')), { maxLength: 8 }), lines => {
        const text = lines.join('\n')
        const history = parseHistory(text)
        assert.ok(history.entries.every(entry => Number.isFinite(entry.score) && typeof entry.time === 'string'))
        assert.ok(
          history.entries.length + history.unreadableLines <=
            lines.filter(line => line.trim() !== '').length + lines.join('').split('\n').length
        )
      }),
      { numRuns: RUNS }
    ))

  it('Retry-After: any header value gives no wait, a wait within the cap, or the throttling-window wait', () =>
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.nat().map(String),
          fc.date({ noInvalidDate: true }).map(date => date.toUTCString())
        ),
        fc.integer({ min: 0, max: 10 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (header, retriesDone, random) => {
          const now = NOW.getTime()
          const parsed = parseRetryAfter(header, now)
          assert.ok(parsed === undefined || (Number.isFinite(parsed) && parsed >= 0))
          const decision = decideRetry(
            { maxRetries: 10, ...DEFAULT_BACKOFF },
            retriesDone,
            { kind: 'response', status: 429, retryAfter: header },
            now,
            random
          )
          const { maxRetryAfterMs, throttleWindowMs, throttleRetryMs } = DEFAULT_BACKOFF
          const longest = parsed === undefined ? throttleWindowMs + 3 * throttleRetryMs : maxRetryAfterMs
          if (decision.retry) {
            assert.ok(decision.delayMs >= 0 && decision.delayMs <= longest, String(decision.delayMs))
          }
        }
      ),
      { numRuns: RUNS }
    ))
})
