/**
 * Every way a run can go, as data: the faults a broken network or service can throw at the action,
 * and the successes and refusals of every credential and extra. The fault-injection suite runs the
 * faults one test each; the secret-leak sweep runs all of them.
 */
import { createPrivateKey } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { FAST_CLOCK, oidcRun, pullRequestRun, secretInputs, type RunOptions } from './harness.js'
import { RECOMMENDATIONS_PATH } from '../../src/sources/recommendations/answers.js'
import { VULNERABILITIES_PATH } from '../../src/sources/vulnerabilities/answers.js'
import { onScore } from '../sim/defender.js'
import { createAppCertificate, type Pem } from '../sim/pki.js'
import { aadError, json, PLANTED, type Reply, type ServiceName, type Simulator } from '../sim/simulator.js'

export interface Fixtures {
  /** Registered on the simulator's app by scenarios that sign in with it. */
  certificate: Pem
  /** Never registered anywhere. */
  stranger: Pem
  expired: Pem
  /** Encrypts the certificate's key in the password scenario. */
  keyPassword: string
}

export async function createFixtures(): Promise<Fixtures> {
  const [certificate, stranger, expired] = await Promise.all([
    createAppCertificate(),
    createAppCertificate(),
    createAppCertificate({ notBefore: new Date(Date.now() - 400 * DAY_MS), notAfter: new Date(Date.now() - 3 * DAY_MS) })
  ])
  return { certificate, stranger, expired, keyPassword: `${PLANTED}-key-password` }
}

export interface Scenario {
  name: string
  /** Sets the simulator up and says how the runner starts the action; files go in `workspace`. */
  arrange(sim: Simulator, fixtures: Fixtures, workspace: string): RunOptions | Promise<RunOptions>
  exitCode: 0 | 1
  /** What the one `::error::` line says (exit 1). */
  error?: RegExp
  /** What a warning says, when the scenario is about one. */
  warning?: RegExp
  /** What the bodies published through GitHub's API (issues, comments, history) must show: the echo arrived, redacted. */
  published?: RegExp
  /**
   * Faults only: the most the run may take, timeout-seconds x (max-retries + 1) plus the waits
   * between attempts (start-up not included).
   */
  worstCaseMs?: number
}

const DAY_MS = 24 * 60 * 60 * 1000

/** Every extra on: what the leak sweep's successful runs use, so each output and artefact is swept. */
function everything(sim: Simulator): RunOptions {
  const pullRequest = pullRequestRun(sim)
  return {
    ...pullRequest,
    inputs: {
      ...secretInputs(sim),
      'min-score': '300',
      'include-exposure-score': 'true',
      'history-file': 'history.jsonl',
      'badge-file': 'badge.svg',
      'comment-on-pr': 'true',
      devices: 'true'
    }
  }
}

function withInputs(options: RunOptions, inputs: Record<string, string>): RunOptions {
  return { ...options, inputs: { ...options.inputs, ...inputs } }
}

interface FaultSpec {
  name: string
  service: ServiceName
  /** Made when the scenario is arranged, so that times in them (Retry-After dates) are fresh. */
  replies: () => Reply[]
  /**
   * Only for faults whose point is a deadline (a hang, a stall): then the run is timed against
   * timeout-seconds x attempts. Other faults run with the action's default deadline.
   */
  timeoutSeconds?: number
  maxRetries: number
  /** The longest the action may wait between attempts, in total, as it decides them (the harness's fast clock shortens them). */
  waitsMs: number
  error: RegExp
  warning?: RegExp
  /** Starts the run another way than the client-secret flow. */
  base?: (sim: Simulator) => RunOptions
}

function fault(spec: FaultSpec): Scenario {
  const { timeoutSeconds } = spec
  const deadline: Record<string, string> = timeoutSeconds === undefined ? {} : { 'timeout-seconds': String(timeoutSeconds) }
  return {
    name: spec.name,
    arrange: sim => {
      sim.script[spec.service].push(...spec.replies())
      const base = spec.base?.(sim) ?? { inputs: secretInputs(sim) }
      return withInputs(base, { ...deadline, 'max-retries': String(spec.maxRetries), 'min-score': '1' })
    },
    exitCode: 1,
    error: spec.error,
    ...(spec.warning ? { warning: spec.warning } : {}),
    ...(timeoutSeconds === undefined ? {} : { worstCaseMs: timeoutSeconds * 1000 * (spec.maxRetries + 1) + spec.waitsMs * FAST_CLOCK })
  }
}

/**
 * A run whose only request subject to the deadline is the faulty one: a given access token, no
 * recommendations. A deadline test then cannot be tripped by a healthy request slowed by a busy machine.
 */
function tokenOnly(sim: Simulator): RunOptions {
  return { inputs: { 'access-token': sim.issueAccessToken(), 'api-url': sim.apiUrl, recommendations: '0' } }
}

const twice = (reply: Reply): Reply[] => [reply, reply]

/** A 200 from the score endpoint with this body: bad data must never reach the gate. */
function badScore(name: string, body: string, error: RegExp): Scenario {
  return fault({
    name: `a 200 score answer with ${name}`,
    service: 'api',
    replies: () => [onScore({ status: 200, body })],
    maxRetries: 3,
    waitsMs: 0,
    error
  })
}

/**
 * Every extra on, for two tenants, with the tracking issue and the history on a branch: every body the
 * action publishes (summary, outputs, comment, issues, history) is made, and a tenant's error or a
 * check's reason reaches each of them.
 */
function everyBody(sim: Simulator): RunOptions {
  const customer = sim.addTenant('6f1c2b3a-4d5e-4f60-8a9b-0c1d2e3f4a5b', 'fabrikam.onmicrosoft.com', 320)
  const options = everything(sim)
  return withInputs(options, {
    'tenant-id': `${sim.tenantId} name=Contoso\n${customer.id} name=Fabrikam`,
    'issue-on-failure': 'true',
    'history-file': '',
    'history-branch': 'secure-score-history',
    'badge-file': 'badge-{tenant}.svg'
  })
}

/**
 * Services that quote a credential back in an error: the error, or the reason a check could not be
 * evaluated, then reaches every body the action publishes, and must arrive there redacted.
 */
const ECHOES: Scenario[] = [
  {
    name: 'Entra ID quotes the client secret (AADSTS7000215 "Received: <secret>"), raw and form-encoded, into every body',
    arrange: sim => {
      const secret = sim.entra.app.secret ?? ''
      const formEncoded = new URLSearchParams({ client_secret: secret }).toString()
      sim.script.entra.push(
        aadError(
          401,
          'invalid_client',
          7000215,
          `Invalid client secret provided. Received: ${secret} in ${formEncoded}&grant_type=client_credentials`
        )
      )
      return everyBody(sim)
    },
    exitCode: 1,
    error: /could not be read: Entra ID refused the token request \(HTTP 401, AADSTS7000215/,
    published: /Received: \\?\*\\?\*\\?\* in client\\?_secret=\\?\*\\?\*\\?\*/
  },
  {
    name: 'the Defender API quotes the bearer token in a 403, so a vulnerability gate cannot be evaluated, into every body',
    arrange: sim => {
      const token = sim.issueAccessToken()
      sim.script.api.push({
        ...json(403, { error: { code: 'Forbidden', message: `Bearer ${token} lacks Vulnerability.Read.All`, target: 'r-1' } }),
        path: VULNERABILITIES_PATH
      })
      const options = withInputs(everything(sim), { 'access-token': token, 'client-secret': '', 'max-exploitable-vulnerabilities': '0' })
      return withInputs(options, { 'issue-on-failure': 'true' })
    },
    exitCode: 1,
    error: /could not be evaluated: The Defender API refused GET \/api\/vulnerabilities \(HTTP 403, Forbidden: Bearer \*\*\*/,
    published: /Bearer \\?\*\\?\*\\?\* lacks Vulnerability/
  },
  {
    name: 'GitHub quotes the github-token in a 500, so max-drop cannot be evaluated, into every body',
    arrange: sim => {
      sim.script.github.push({
        ...json(500, { message: `Internal error for token ${sim.github.token}` }),
        path: '/repos/octo-org/octo-repo/contents/history.jsonl'
      })
      return withInputs(everyBody(sim), { 'max-drop': '10', 'max-retries': '0' })
    },
    exitCode: 1,
    error: /max-drop\) could not be evaluated: history-branch/,
    published: /Internal error for token \\?\*\\?\*\\?\*/
  }
]

const FIRST_BACKOFF_MS = 1000

export const FAULTS: Scenario[] = [
  fault({
    name: 'the Defender API accepts the connection and never answers',
    service: 'api',
    replies: () => twice(onScore({ status: 200, fault: 'hang' })),
    timeoutSeconds: 1,
    base: tokenOnly,
    maxRetries: 1,
    waitsMs: FIRST_BACKOFF_MS,
    error: /^No answer from the Defender API \(127\.0\.0\.1:\d+\): no complete answer within 1 s \(timeout-seconds\) \(2 attempts\)\. /
  }),
  fault({
    name: 'the Defender API sends the headers, then stalls the body',
    service: 'api',
    replies: () => twice(onScore({ ...json(200, { time: '2026-11-24T08:00:00Z', score: 340 }), fault: 'stall-body' })),
    timeoutSeconds: 1,
    base: tokenOnly,
    maxRetries: 1,
    waitsMs: FIRST_BACKOFF_MS,
    error: /^No answer from the Defender API \(127\.0\.0\.1:\d+\): no complete answer within 1 s \(timeout-seconds\) \(2 attempts\)\. /
  }),
  fault({
    name: 'the Defender API resets the connection mid-body',
    service: 'api',
    replies: () => twice(onScore({ ...json(200, { time: '2026-11-24T08:00:00Z', score: 340 }), fault: 'reset-mid-body' })),
    maxRetries: 1,
    waitsMs: FIRST_BACKOFF_MS,
    error:
      /^No answer from the Defender API \(127\.0\.0\.1:\d+\): the connection failed while reading the answer \(aborted\).*\(2 attempts\)\. /
  }),
  fault({
    name: 'the Defender API closes the connection before the promised body is complete',
    service: 'api',
    replies: () => twice(onScore({ ...json(200, { time: '2026-11-24T08:00:00Z', score: 340 }), fault: 'truncate' })),
    maxRetries: 1,
    waitsMs: FIRST_BACKOFF_MS,
    error:
      /^No answer from the Defender API \(127\.0\.0\.1:\d+\): the connection failed while reading the answer \(aborted\).*\(2 attempts\)\. /
  }),
  fault({
    name: 'Entra ID accepts the connection and never answers',
    service: 'entra',
    replies: () => twice({ status: 200, fault: 'hang' }),
    timeoutSeconds: 1,
    maxRetries: 1,
    waitsMs: FIRST_BACKOFF_MS,
    error: /^No answer from Entra ID \(127\.0\.0\.1:\d+\): no complete answer within 1 s \(timeout-seconds\) \(2 attempts\)\. /
  }),
  fault({
    name: 'Entra ID resets the connection mid-body',
    service: 'entra',
    replies: () =>
      twice({ ...json(200, { token_type: 'Bearer', access_token: `${PLANTED}-half-a-token-that-is-long` }), fault: 'reset-mid-body' }),
    maxRetries: 1,
    waitsMs: FIRST_BACKOFF_MS,
    error: /^No answer from Entra ID \(127\.0\.0\.1:\d+\): the connection failed while reading the answer \(aborted\)/
  }),
  fault({
    name: "GitHub's OIDC token endpoint never answers",
    service: 'oidc',
    replies: () => twice({ status: 200, fault: 'hang' }),
    timeoutSeconds: 1,
    maxRetries: 1,
    waitsMs: FIRST_BACKOFF_MS,
    base: oidcRun,
    error: /^No answer from GitHub's OIDC token endpoint \(127\.0\.0\.1:\d+\): no complete answer within 1 s/
  }),
  fault({
    name: 'the Defender API refuses connections',
    service: 'api',
    replies: () => [],
    maxRetries: 1,
    waitsMs: FIRST_BACKOFF_MS,
    base: sim => ({ inputs: { ...secretInputs(sim), 'api-url': 'http://127.0.0.1:1' } }),
    error: /^No answer from the Defender API \(127\.0\.0\.1:1\): connect ECONNREFUSED 127\.0\.0\.1:1 \(2 attempts\)\. /
  }),
  badScore(
    'an empty body',
    '',
    /not with the documented JSON object .*application\/json; charset=utf-8, empty body\)\. No gate was evaluated/
  ),
  badScore('a truncated body', '{"time":"2026-11-24T08:00:00Z","sco', /not with the documented JSON object .*35 bytes, not JSON\)/),
  badScore('HTML', '<!DOCTYPE html><html>Sign in</html>', /not with the documented JSON object .*not JSON \(it starts like HTML\)\)/),
  badScore('a JSON array', '[340]', /not with the documented JSON object/),
  badScore(
    'score as a string',
    '{"time":"2026-11-24T08:00:00Z","score":"340"}',
    /its score is "340", not a non-negative number of points\. No gate was evaluated/
  ),
  badScore('a negative score', '{"time":"2026-11-24T08:00:00Z","score":-5}', /its score is -5, not a non-negative number/),
  badScore('NaN as the score', '{"time":"2026-11-24T08:00:00Z","score":NaN}', /not with the documented JSON object/),
  badScore('a null score', '{"time":"2026-11-24T08:00:00Z","score":null}', /its score is null, not a non-negative number/),
  badScore('no score', '{"time":"2026-11-24T08:00:00Z"}', /its score is missing/),
  badScore('no time', '{"score":340}', /its time is missing, not an ISO 8601 date and time/),
  badScore('a time that is not a date', '{"time":"yesterday","score":340}', /its time is "yesterday", not an ISO 8601 date/),
  fault({
    name: 'a 429 storm longer than max-retries allows (Retry-After: 0)',
    service: 'api',
    replies: () =>
      [0, 1, 2].map(index =>
        onScore(
          json(429, { error: { code: 'TooManyRequests', message: 'Rate limit is exceeded', target: `r${index}` } }, { 'Retry-After': '0' })
        )
      ),
    maxRetries: 2,
    waitsMs: 0,
    error: /HTTP 429, TooManyRequests: Rate limit is exceeded \(request id r2\)\)\.\nFix: the API is throttling this app/
  }),
  fault({
    name: 'a 503 storm with Retry-After as an HTTP date',
    service: 'api',
    replies: () =>
      twice(onScore({ status: 503, headers: { 'Retry-After': new Date(Date.now() + 1000).toUTCString() }, body: 'Service Unavailable' })),
    maxRetries: 1,
    waitsMs: 2000,
    error: /HTTP 503, application\/json; charset=utf-8, 19 bytes, not JSON\)\.\nFix: the Defender API is having trouble/
  }),
  fault({
    name: 'a 429 asking to wait a day (Retry-After: 86400), capped at 60 s',
    service: 'api',
    replies: () =>
      twice(
        onScore(json(429, { error: { code: 'TooManyRequests', message: 'Come back tomorrow', target: 'r' } }, { 'Retry-After': '86400' }))
      ),
    maxRetries: 1,
    waitsMs: 60_000,
    error: /HTTP 429, TooManyRequests: Come back tomorrow/,
    warning: /^the Defender API asked to wait 86400 s before retrying; waiting 60 s, the most this action allows\.$/
  }),
  fault({
    name: 'the token endpoint answers 5xx past max-retries',
    service: 'entra',
    replies: () =>
      twice({ status: 503, headers: { 'Retry-After': '0', 'Content-Type': 'text/html' }, body: '<html>Service Unavailable</html>' }),
    maxRetries: 1,
    waitsMs: 0,
    error:
      /^Entra ID answered the token request with HTTP 503 and a body that is not its documented JSON error \(text\/html, 32 bytes, not JSON \(it starts like HTML\)\)\. Check authority-host\. Entra ID is having trouble or throttling; try again later\.$/
  }),
  fault({
    name: 'a 200 token answer without access_token',
    service: 'entra',
    replies: () => [json(200, { token_type: 'Bearer', expires_in: 3599, accessToken: `${PLANTED}-lookalike-token` })],
    maxRetries: 3,
    waitsMs: 0,
    error:
      /^Entra ID answered the token request with HTTP 200 but no usable access_token \(none, or one with spaces or line breaks; the body is an object with keys token_type, expires_in, accessToken\)\. Check authority-host\.$/
  }),
  {
    ...fault({
      name: 'the recommendations request never answers: skipped 5 s after the score (on the fast clock), the gate still decides',
      service: 'api',
      replies: () => [{ status: 200, fault: 'hang', path: RECOMMENDATIONS_PATH }],
      maxRetries: 0,
      waitsMs: 0,
      base: sim => withInputs(tokenOnly(sim), { recommendations: '5' }),
      error: /^$/,
      warning: /^Recommendations skipped: no answer within 5 s after the score; the verdict did not wait for it$/
    }),
    exitCode: 0
  },
  {
    ...fault({
      name: "GitHub's REST API never answers: the comment is skipped with a warning",
      service: 'github',
      replies: () => [0, 1, 2].map(() => ({ status: 200, fault: 'hang' as const })),
      timeoutSeconds: 1,
      // Retries: the healthy requests before it share the 1 s deadline, and a busy machine may slow one.
      maxRetries: 2,
      waitsMs: 3000,
      base: sim => ({ ...pullRequestRun(sim), inputs: { ...tokenOnly(sim).inputs, 'comment-on-pr': 'true' } }),
      error: /^$/,
      warning:
        /^Could not comment on pull request #7: No answer from GitHub's API \(127\.0\.0\.1:\d+\): no complete answer within 1 s \(timeout-seconds\) \(3 attempts\)\. /
    }),
    exitCode: 0
  }
]

/** Successes and refusals of every credential and extra; together with {@link FAULTS}, every scenario. */
export const SCENARIOS: Scenario[] = [
  { name: 'client secret, every extra on', arrange: everything, exitCode: 0 },
  {
    name: 'GitHub OIDC, every extra on',
    arrange: sim => {
      const oidc = oidcRun(sim)
      const all = everything(sim)
      return { ...all, inputs: { ...all.inputs, ...oidc.inputs, 'client-secret': '' }, env: { ...all.env, ...oidc.env } }
    },
    exitCode: 0
  },
  {
    name: 'certificate, every extra on',
    arrange: (sim, fixtures) => {
      sim.entra.app.certificates.push(fixtures.certificate.certificatePem)
      return withInputs(everything(sim), { 'client-certificate': fixtures.certificate.keyPem + fixtures.certificate.certificatePem })
    },
    exitCode: 0
  },
  {
    name: 'certificate with an encrypted key and its password',
    arrange: (sim, { certificate, keyPassword }) => {
      sim.entra.app.certificates.push(certificate.certificatePem)
      const encrypted = createPrivateKey(certificate.keyPem)
        .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: keyPassword })
        .toString()
      return withInputs(everything(sim), {
        'client-certificate': encrypted + certificate.certificatePem,
        'client-certificate-password': keyPassword
      })
    },
    exitCode: 0
  },
  {
    name: 'a given access token, every extra on',
    arrange: sim => withInputs(everything(sim), { 'access-token': sim.issueAccessToken(), 'client-secret': '' }),
    exitCode: 0
  },
  {
    name: 'score below min-score, with the comment and badge',
    arrange: sim => withInputs(everything(sim), { 'min-score': '341' }),
    exitCode: 1,
    error: /^Device secure score 340 is below the threshold min-score 341/
  },
  {
    name: 'score below min-score, warning only',
    arrange: sim => withInputs(everything(sim), { 'min-score': '341', 'fail-on-low-score': 'false' }),
    exitCode: 0
  },
  {
    name: 'a fall larger than max-drop',
    arrange: async (sim, _fixtures, workspace) => {
      const earlier = { time: '2026-11-23T08:00:00Z', score: 400, exposure: null, tenant: sim.tenantId, apiHost: new URL(sim.apiUrl).host }
      await writeFile(join(workspace, 'history.jsonl'), `${JSON.stringify(earlier)}\n`)
      return withInputs(everything(sim), { 'max-drop': '10' })
    },
    exitCode: 1,
    error: /^Device secure score fell by 60 points, more than max-drop 10/
  },
  {
    name: "a fork's read-only GitHub token",
    arrange: sim => {
      sim.github.readOnly = true
      return everything(sim)
    },
    exitCode: 0,
    warning: /^Could not comment on pull request #7 \(HTTP 403\)/
  },
  {
    name: 'no SecurityRecommendation.Read.All',
    arrange: sim => {
      sim.entra.app.roles = ['Score.Read.All']
      return everything(sim)
    },
    exitCode: 0,
    warning: /SecurityRecommendation\.Read\.All/
  },
  {
    name: 'a wrong client secret (AADSTS7000215)',
    arrange: sim => withInputs(everything(sim), { 'client-secret': `${PLANTED}-wrong-secret~0123456789` }),
    exitCode: 1,
    error: /AADSTS7000215/
  },
  {
    name: 'no federated credential matches (AADSTS70021)',
    arrange: sim => {
      sim.entra.app.federated = [{ ...sim.entra.app.federated[0]!, subject: 'repo:octo-org/octo-repo:environment:prod' }]
      const oidc = oidcRun(sim)
      return { ...everything(sim), ...oidc }
    },
    exitCode: 1,
    error: /AADSTS70021[\s\S]*subject 'repo:octo-org\/octo-repo:ref:refs\/heads\/main'/
  },
  {
    name: 'the app is not in the tenant (AADSTS700016)',
    arrange: sim => withInputs(everything(sim), { 'client-id': '00000000-0000-0000-0000-000000000001' }),
    exitCode: 1,
    error: /AADSTS700016/
  },
  {
    name: 'the tenant does not exist (AADSTS90002)',
    arrange: sim => withInputs(everything(sim), { 'tenant-id': 'fabrikam.onmicrosoft.com' }),
    exitCode: 1,
    error: /AADSTS90002/
  },
  {
    name: 'no admin consent (AADSTS65001)',
    arrange: sim => {
      sim.script.entra.push(aadError(400, 'invalid_grant', 65001, 'The user or administrator has not consented to use the application.'))
      return everything(sim)
    },
    exitCode: 1,
    error: /AADSTS65001/
  },
  {
    name: 'a certificate the app does not know (AADSTS700027)',
    arrange: (sim, { stranger }) => withInputs(everything(sim), { 'client-certificate': stranger.keyPem + stranger.certificatePem }),
    exitCode: 1,
    error: /AADSTS700027/
  },
  {
    name: 'no Score.Read.All (HTTP 403)',
    arrange: sim => {
      sim.entra.app.roles = []
      return everything(sim)
    },
    exitCode: 1,
    error: /HTTP 403[\s\S]*Score\.Read\.All/
  },
  {
    name: 'a token for another API (HTTP 401)',
    arrange: sim =>
      withInputs(everything(sim), {
        'access-token': sim.issueAccessToken(['Score.Read.All'], 'https://graph.microsoft.com'),
        'client-secret': ''
      }),
    exitCode: 1,
    error: /HTTP 401/
  },
  {
    name: 'an invalid min-score, refused before any request',
    arrange: sim => withInputs(everything(sim), { 'min-score': 'high' }),
    exitCode: 1,
    error: /^Invalid min-score 'high'/
  },
  {
    name: 'a clear-text api-url, refused before any request',
    arrange: sim => withInputs(everything(sim), { 'api-url': 'http://api.securitycenter.microsoft.com' }),
    exitCode: 1,
    error: /^Invalid api-url/
  },
  {
    name: 'OIDC without id-token: write',
    arrange: sim => withInputs(everything(sim), { 'client-secret': '', 'auth-method': 'oidc' }),
    exitCode: 1,
    error: /permissions: id-token: write/
  },
  {
    name: 'an expired certificate',
    arrange: (sim, { expired }) => withInputs(everything(sim), { 'client-certificate': expired.keyPem + expired.certificatePem }),
    exitCode: 1,
    error: /^Invalid client-certificate: the certificate .* expired on/
  },
  {
    name: 'a key that does not match the certificate',
    arrange: (sim, { certificate, stranger }) =>
      withInputs(everything(sim), { 'client-certificate': stranger.keyPem + certificate.certificatePem }),
    exitCode: 1,
    error: /^Invalid client-certificate: the private key does not match the certificate/
  },
  {
    name: 'a key without its certificate',
    arrange: (sim, { certificate }) => withInputs(everything(sim), { 'client-certificate': certificate.keyPem }),
    exitCode: 1,
    error: /^Invalid client-certificate/
  },
  ...ECHOES,
  ...FAULTS
]
