/**
 * End to end: the bundled dist/index.js in its own node process, as the runner starts it, against
 * the simulator over real HTTP. Every run is also swept for leaked secrets. Faults of the network and
 * of the services are in hardening.e2e.test.ts.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  annotations,
  FAST_CLOCK,
  type ActionRun,
  errorAnnotations,
  issuedTokens,
  maskedValues,
  oidcRun,
  onlyError,
  pullRequestRun,
  runSwept as run,
  secretInputs,
  visibleText,
  withSim
} from '../support/harness.js'
import { SCORE_PATH } from '../../src/sources/score/source.js'
import { onScore } from '../sim/defender.js'
import { aadError, DEFAULT_AUDIENCE, json, type Simulator } from '../sim/simulator.js'

/** The wait the action decided before its first retry, as it logged it. */
function decidedWaitMs(result: ActionRun): number {
  const seconds = /retrying in (\d+\.\d) s/.exec(result.stdout)?.[1]
  assert.ok(seconds, `a retry was logged:\n${result.stdout}`)
  return Number(seconds) * 1000
}

function scoreRequests(sim: Simulator) {
  return sim.requestsTo('api', SCORE_PATH)
}

describe('sign-in and score', () => {
  it('signs in with a client secret, reads the score, passes the gate and reports it', () =>
    withSim(async sim => {
      const result = await run(sim, { inputs: { ...secretInputs(sim), 'min-score': '300' } })
      assert.equal(result.exitCode, 0, result.stdout)
      assert.equal(result.outputs['score'], '340')
      assert.equal(result.outputs['min-score'], '300')
      assert.equal(result.outputs['passed'], 'true')
      assert.match(result.outputs['score-time'] ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/)

      const [tokenRequest] = sim.requestsTo('entra')
      assert.equal(tokenRequest?.path, `/${sim.tenantId}/oauth2/v2.0/token`)
      assert.equal(tokenRequest?.form['grant_type'], 'client_credentials')
      assert.equal(tokenRequest?.form['scope'], 'https://api.securitycenter.microsoft.com/.default')
      assert.equal(tokenRequest?.form['client_secret'], sim.entra.app.secret)
      assert.equal(scoreRequests(sim).length, 1)
      assert.equal(sim.requestsTo('oidc').length, 0)

      const [token] = issuedTokens(sim)
      const masked = maskedValues(result)
      assert.ok(masked.includes(sim.entra.app.secret ?? ''), 'the client secret is masked')
      assert.ok(token && masked.includes(token), 'the access token is masked')

      assert.match(result.summary, /## ✅ Device secure score: 340 points\n\nThe check passed\./)
      assert.match(result.summary, /\| Score \(`min-score`\) \| at least 300 \| 340 \| ✅ passed \|/)
      assert.match(result.summary, new RegExp(`\\| Tenant \\| \`${sim.tenantId}\` \\|`))
      assert.match(result.summary, /\| API host \| `127\.0\.0\.1:\d+` \|/)
      assert.doesNotMatch(result.summary, /%/, 'the score is points, never a percentage')
    }))

  it('masks github-token before anything else is logged, though GitHub never echoes it', () =>
    withSim(async sim => {
      const result = await run(sim, { ...pullRequestRun(sim), inputs: { ...secretInputs(sim), 'comment-on-pr': 'true' } })
      assert.equal(result.exitCode, 0, result.stdout)
      const lines = result.stdout.split('\n')
      const mask = lines.indexOf(`::add-mask::${sim.github.token}`)
      assert.ok(mask >= 0, 'github-token is masked')
      assert.ok(
        lines.slice(0, mask).every(line => line.startsWith('::add-mask::')),
        'nothing but other masks comes before it'
      )
      assert.ok(sim.requestsTo('github').length > 0, 'the token was used')
    }))

  it('signs in with GitHub OIDC: the ID token is exchanged as a client assertion', () =>
    withSim(async sim => {
      const options = oidcRun(sim)
      const result = await run(sim, options)
      assert.equal(result.exitCode, 0, result.stdout)
      assert.equal(result.outputs['score'], '340')
      assert.equal(result.outputs['passed'], 'true', 'no gate counts as passed')
      assert.equal(result.outputs['min-score'], '')

      const [oidcRequest] = sim.requestsTo('oidc')
      assert.match(oidcRequest?.path ?? '', /[?&]audience=api%3A%2F%2FAzureADTokenExchange(&|$)/)
      const [tokenRequest] = sim.requestsTo('entra')
      assert.equal(tokenRequest?.form['client_assertion_type'], 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
      assert.equal(tokenRequest?.form['client_secret'], undefined)
      const idToken = tokenRequest?.form['client_assertion'] ?? ''
      assert.ok(maskedValues(result).includes(idToken), 'the GitHub ID token is masked')
      assert.ok(maskedValues(result).includes(sim.oidc.requestToken), "the runner's bearer for it too")
      assert.ok(!visibleText(result).includes(idToken))
      assert.match(result.summary, /GitHub OIDC federated credential/)
      assert.match(result.summary, /No threshold set: the score is reported, nothing is checked\./)
    }))

  it('passes a custom oidc-audience to GitHub', () =>
    withSim(async sim => {
      sim.entra.app.federated[0]!.audience = 'api://custom-audience'
      const options = oidcRun(sim)
      const result = await run(sim, { ...options, inputs: { ...options.inputs, 'oidc-audience': 'api://custom-audience' } })
      assert.equal(result.exitCode, 0, result.stdout)
      assert.match(sim.requestsTo('oidc')[0]?.path ?? '', /audience=api%3A%2F%2Fcustom-audience/)
    }))

  it('uses a given access token without any sign-in request', () =>
    withSim(async sim => {
      const token = sim.issueAccessToken()
      const result = await run(sim, { inputs: { 'access-token': token, 'api-url': sim.apiUrl, 'min-score': '340' } }, [token])
      assert.equal(result.exitCode, 0, result.stdout)
      assert.equal(result.outputs['passed'], 'true', 'a score equal to the threshold passes')
      assert.equal(sim.requestsTo('entra').length, 0)
      assert.equal(sim.requestsTo('api')[0]?.authorization, `Bearer ${token}`)
      assert.ok(maskedValues(result).includes(token))
      assert.match(result.summary, /\| Tenant \| not given \|/)
    }))

  it('auto prefers access-token over client-secret, and client-secret over OIDC', () =>
    withSim(async sim => {
      const token = sim.issueAccessToken()
      const both = await run(sim, { ...oidcRun(sim), inputs: { ...secretInputs(sim), 'access-token': token } }, [token])
      assert.equal(both.exitCode, 0, both.stdout)
      assert.equal(sim.requestsTo('entra').length, 0)

      const secretAndOidc = await run(sim, { ...oidcRun(sim), inputs: secretInputs(sim) })
      assert.equal(secretAndOidc.exitCode, 0, secretAndOidc.stdout)
      assert.equal(sim.requestsTo('oidc').length, 0)
      assert.equal(sim.requestsTo('entra')[0]?.form['client_secret'], sim.entra.app.secret)
    }))

  it('auth-method oidc ignores a client secret and uses the federated credential', () =>
    withSim(async sim => {
      const options = oidcRun(sim)
      const result = await run(sim, { ...options, inputs: { ...secretInputs(sim), 'auth-method': 'oidc' } })
      assert.equal(result.exitCode, 0, result.stdout)
      assert.equal(sim.requestsTo('oidc').length, 1)
      assert.equal(sim.requestsTo('entra')[0]?.form['client_secret'], undefined)
    }))

  it('accepts a verified domain as tenant-id', () =>
    withSim(async sim => {
      const result = await run(sim, { inputs: { ...secretInputs(sim), 'tenant-id': sim.tenantDomain } })
      assert.equal(result.exitCode, 0, result.stdout)
      assert.equal(sim.requestsTo('entra')[0]?.path, `/${sim.tenantDomain}/oauth2/v2.0/token`)
    }))

  it('writes no summary when job-summary is false, and still sets the outputs', () =>
    withSim(async sim => {
      const result = await run(sim, { inputs: { ...secretInputs(sim), 'job-summary': 'false' } })
      assert.equal(result.exitCode, 0, result.stdout)
      assert.equal(result.summary, '')
      assert.equal(result.outputs['score'], '340')
    }))

  it('reports a fractional score as the API gave it', () =>
    withSim(async sim => {
      sim.defender.score = { score: 412.57 }
      const result = await run(sim, { inputs: { ...secretInputs(sim), 'min-score': '412.5' } })
      assert.equal(result.exitCode, 0, result.stdout)
      assert.equal(result.outputs['score'], '412.57')
      assert.match(result.summary, /\*\*412\.57\*\* points/)
    }))
})

describe('threshold gate', () => {
  it('fails below min-score, naming score and threshold, and still writes outputs and summary', () =>
    withSim(async sim => {
      const result = await run(sim, { inputs: { ...secretInputs(sim), 'min-score': '400' } })
      assert.equal(result.exitCode, 1)
      assert.equal(onlyError(result), 'Device secure score 340 is below the threshold min-score 400 (short by 60 points).')
      assert.equal(result.outputs['passed'], 'false')
      assert.equal(result.outputs['score'], '340')
      assert.equal(result.outputs['min-score'], '400')
      assert.match(result.summary, /## ❌ Device secure score: 340 points\n\n1 of 1 check failed\./)
      assert.match(result.summary, /\| Score \(`min-score`\) \| at least 400 \| 340 \| ❌ failed \|/)
    }))

  it('only warns below min-score when fail-on-low-score is false', () =>
    withSim(async sim => {
      const result = await run(sim, { inputs: { ...secretInputs(sim), 'min-score': '400', 'fail-on-low-score': 'false' } })
      assert.equal(result.exitCode, 0, result.stdout)
      assert.deepEqual(errorAnnotations(result), [])
      const [warning] = annotations(result, 'warning')
      assert.match(warning ?? '', /^Device secure score 340 is below the threshold min-score 400 [\s\S]*fail-on-low-score is false/)
      assert.equal(result.outputs['passed'], 'false')
      assert.match(
        result.summary,
        /## ⚠️ Device secure score: 340 points\n\n1 of 1 check failed \(a warning only: fail-on-low-score is false\)\./
      )
    }))
})

describe('input validation happens before any request', () => {
  // Every refusal is a unit test of parseSettings (test/unit/config.test.ts); these two prove the
  // wiring: the process exits 1 with one error line, no output, and nothing sent.
  for (const [name, inputs, message] of [
    ['min-score not a number', { 'min-score': 'abc' }, /^Invalid min-score 'abc'\. Expected a non-negative number/],
    [
      'api-url over plain http',
      { 'api-url': 'http://api.securitycenter.microsoft.com' },
      /^Invalid api-url 'http:\/\/api\.securitycenter\.microsoft\.com'\. Expected an https:\/\/ URL .*clear text/
    ]
  ] as const) {
    it(`refuses ${name}`, () =>
      withSim(async sim => {
        const result = await run(sim, { inputs: { ...secretInputs(sim), ...inputs } })
        assert.equal(result.exitCode, 1)
        assert.match(onlyError(result), message)
        assert.equal(sim.requests.length, 0, 'no request may be sent before the inputs are valid')
        assert.deepEqual(result.outputs, {})
      }))
  }

  it('tells the user to add id-token: write when OIDC has no token endpoint', () =>
    withSim(async sim => {
      const { inputs } = oidcRun(sim)
      const result = await run(sim, { inputs })
      assert.equal(result.exitCode, 1)
      const error = onlyError(result)
      assert.match(error, /ACTIONS_ID_TOKEN_REQUEST_URL is not set/)
      assert.match(error, /'permissions: id-token: write'/)
      assert.match(error, /client-secret/)
      assert.equal(sim.requests.length, 0)
    }))

  it('says what GitHub answered when it refuses the ID token, without a retry', () =>
    withSim(async sim => {
      const options = oidcRun(sim)
      const result = await run(sim, { ...options, env: { ...options.env, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'stale-runner-bearer' } })
      assert.equal(result.exitCode, 1)
      assert.match(
        onlyError(result),
        /^GitHub did not issue an ID token for audience 'api:\/\/AzureADTokenExchange' \(HTTP 401, the body is an object with keys message\)\. Check that the job has 'permissions: id-token: write'/
      )
      assert.equal(sim.requestsTo('oidc').length, 1)
      assert.equal(sim.requestsTo('entra').length, 0)
    }))

  it('refuses a clear-text ID token endpoint that is not loopback, before any request', () =>
    withSim(async sim => {
      const options = oidcRun(sim)
      const result = await run(sim, {
        ...options,
        env: { ...options.env, ACTIONS_ID_TOKEN_REQUEST_URL: 'http://pipelines.example.com/idtoken' }
      })
      assert.equal(result.exitCode, 1)
      assert.match(onlyError(result), /^ACTIONS_ID_TOKEN_REQUEST_URL, set by the runner, is not an https:\/\/ URL/)
      assert.equal(sim.requests.length, 0)
    }))

  it('accepts http:// for loopback hosts only (the simulator itself), and refuses it for any other host before any request', () =>
    withSim(async sim => {
      const result = await run(sim, { inputs: { ...secretInputs(sim), 'api-url': sim.apiUrl.replace('127.0.0.1', 'localhost') } })
      assert.equal(result.exitCode, 0, result.stdout)
      const before = sim.requests.length
      const refused = await run(sim, { inputs: { ...secretInputs(sim), 'api-url': 'http://api.security.microsoft.com' } })
      assert.equal(refused.exitCode, 1)
      assert.match(
        onlyError(refused),
        /^Invalid api-url 'http:\/\/api\.security\.microsoft\.com'\. .*http:\/\/ is accepted only for loopback hosts/
      )
      assert.equal(sim.requests.length, before, 'no request, not even the sign-in')
    }))
})

describe('Entra ID errors', () => {
  it('explains a wrong client secret without printing it', () =>
    withSim(async sim => {
      const wrong = 'wrong-secret~0123456789abcdef'
      const result = await run(sim, { inputs: { ...secretInputs(sim), 'client-secret': wrong } }, [wrong])
      assert.equal(result.exitCode, 1)
      const error = onlyError(result)
      assert.match(
        error,
        /^Entra ID refused the token request \(HTTP 401, AADSTS7000215 invalid_client\): AADSTS7000215: Invalid client secret provided/
      )
      assert.match(error, /Trace ID: [0-9a-f-]{36}/)
      assert.match(error, /\nFix: The client-secret is wrong: use the secret's Value .*not its Secret ID/)
      assert.equal(scoreRequests(sim).length, 0)
      assert.ok(maskedValues(result).includes(wrong))
    }))

  it('shows the presented issuer, subject and audience when no federated credential matches (AADSTS70021)', () =>
    withSim(async sim => {
      sim.oidc.claims['sub'] = 'repo:octo-org/octo-repo:pull_request'
      const result = await run(sim, oidcRun(sim))
      assert.equal(result.exitCode, 1)
      const error = onlyError(result)
      assert.match(error, /AADSTS70021/)
      assert.match(error, /Fix: No federated credential on the app matches the ID token this job presented\./)
      assert.match(
        error,
        new RegExp(
          `issuer 'https://token\\.actions\\.githubusercontent\\.com', subject 'repo:octo-org/octo-repo:pull_request' and audience '${DEFAULT_AUDIENCE}'`
        )
      )
      assert.match(error, /repo:OWNER\/REPO:ref:refs\/heads\/main/)
      assert.match(error, /repo:OWNER@OWNER_ID\/REPO@REPO_ID/)
    }))

  it('names client-id and tenant-id when the app is not in the tenant (AADSTS700016)', () =>
    withSim(async sim => {
      const result = await run(sim, { inputs: { ...secretInputs(sim), 'client-id': '00000000-0000-0000-0000-000000000001' } })
      assert.equal(result.exitCode, 1)
      assert.match(onlyError(result), /AADSTS700016[\s\S]*Fix: Check client-id and tenant-id/)
    }))

  it('names tenant-id and the cloud when the tenant does not exist (AADSTS90002)', () =>
    withSim(async sim => {
      const result = await run(sim, { inputs: { ...secretInputs(sim), 'tenant-id': 'fabrikam.onmicrosoft.com' } })
      assert.equal(result.exitCode, 1)
      assert.match(onlyError(result), /AADSTS90002[\s\S]*Fix: The tenant was not found: check tenant-id, and that authority-host/)
    }))

  it('names the scope when the API is unknown to the tenant (AADSTS500011)', () =>
    withSim(async sim => {
      const result = await run(sim, { inputs: { ...secretInputs(sim), scope: 'https://api.example.com/.default' } })
      assert.equal(result.exitCode, 1)
      assert.match(onlyError(result), /AADSTS500011[\s\S]*Fix: Check scope/)
    }))

  it('explains missing admin consent (AADSTS65001)', () =>
    withSim(async sim => {
      sim.script.entra.push(aadError(400, 'invalid_grant', 65001, 'The user or administrator has not consented to use the application.'))
      const result = await run(sim, { inputs: secretInputs(sim) })
      assert.equal(result.exitCode, 1)
      assert.match(onlyError(result), /AADSTS65001[\s\S]*Fix: Grant admin consent/)
    }))

  it('retries a token endpoint 5xx and goes on', () =>
    withSim(async sim => {
      sim.script.entra.push({ status: 503, headers: { 'Retry-After': '0' }, body: 'Service Unavailable' })
      const result = await run(sim, { inputs: secretInputs(sim) })
      assert.equal(result.exitCode, 0, result.stdout)
      assert.equal(sim.requestsTo('entra').length, 2)
      assert.match(result.stdout, /Entra ID answered HTTP 503; retrying in (0\.\d|1\.0) s \(retry 1 of 3\)/)
    }))

  it('reports a token endpoint body that is not the documented JSON', () =>
    withSim(async sim => {
      sim.script.entra.push({ status: 400, headers: { 'Content-Type': 'text/html' }, body: '<html><body>Bad gateway page</body></html>' })
      const result = await run(sim, { inputs: secretInputs(sim) })
      assert.equal(result.exitCode, 1)
      assert.match(
        onlyError(result),
        /^Entra ID answered the token request with HTTP 400 and a body that is not its documented JSON error \(text\/html, \d+ bytes, not JSON \(it starts like HTML\)\)\. Check authority-host\.$/
      )
    }))
})

describe('Defender API errors', () => {
  it('names Score.Read.All and admin consent on 403, with code, message and request id', () =>
    withSim(async sim => {
      sim.entra.app.roles = []
      const result = await run(sim, { inputs: secretInputs(sim) })
      assert.equal(result.exitCode, 1)
      const error = onlyError(result)
      assert.match(error, /^The Defender API refused GET \/api\/configurationScore \(HTTP 403, Forbidden: The application does not have/)
      assert.match(error, /\(request id [0-9a-f-]{36}\)/)
      assert.match(error, /Fix: the app needs the application permission Score\.Read\.All on WindowsDefenderATP, and admin consent/)
      assert.equal(result.outputs['passed'], 'false', 'a tenant that cannot be read is a failed tenant, with outputs')
      assert.equal(result.outputs['score'], '')
    }))

  it('explains a 401: a token for another API', () =>
    withSim(async sim => {
      const token = sim.issueAccessToken(['Score.Read.All'], 'https://graph.microsoft.com')
      const result = await run(sim, { inputs: { 'access-token': token, 'api-url': sim.apiUrl } }, [token])
      assert.equal(result.exitCode, 1)
      assert.match(
        onlyError(result),
        /HTTP 401, Unauthorized: Authorization has been denied[\s\S]*Fix: the authorization header was not accepted: the token is invalid, expired, or for another API/
      )
    }))

  it('retries 429 honouring Retry-After in seconds, reusing the token', () =>
    withSim(async sim => {
      sim.script.api.push(
        onScore(json(429, { error: { code: 'TooManyRequests', message: 'Slow down', target: 'r1' } }, { 'Retry-After': '1' }))
      )
      const result = await run(sim, { inputs: secretInputs(sim) })
      assert.equal(result.exitCode, 0, result.stdout)
      const waitMs = decidedWaitMs(result)
      assert.ok(waitMs >= 1000 && waitMs <= 2100, `waits the second asked for, plus up to 1.1 s of jitter: ${waitMs} ms`)
      const [first, second] = scoreRequests(sim)
      assert.ok(first && second)
      assert.ok(second.receivedAt - first.answeredAt >= waitMs * FAST_CLOCK, 'and really waited it (on the fast clock)')
      assert.equal(sim.requestsTo('entra').length, 1, 'one token for all attempts')
      assert.equal(first.authorization, second.authorization)
    }))

  it('honours Retry-After given as an HTTP date', () =>
    withSim(async sim => {
      // 30 s ahead, in whole seconds: the wait decided is the time left when the answer comes, however long
      // a busy machine takes to start the process (up to 10 s here), plus its jitter (up to 1 s and a tenth).
      const inThirtySeconds = new Date(Date.now() + 30_000).toUTCString()
      sim.script.api.push(onScore({ status: 503, headers: { 'Retry-After': inThirtySeconds }, body: '' }))
      const result = await run(sim, { inputs: secretInputs(sim) })
      assert.equal(result.exitCode, 0, result.stdout)
      const waitMs = decidedWaitMs(result)
      assert.ok(waitMs >= 19_000 && waitMs <= 34_000, `waits until about the date given: ${waitMs} ms`)
      const [first, second] = scoreRequests(sim)
      assert.ok(first && second)
      assert.ok(second.receivedAt - first.answeredAt >= waitMs * FAST_CLOCK, 'and really waited it (on the fast clock)')
    }))

  it('gives up after max-retries and says what the last answer was', () =>
    withSim(async sim => {
      for (let index = 0; index < 3; index++) {
        sim.script.api.push(
          onScore(json(503, { error: { code: 'ServiceUnavailable', message: 'Try later', target: `r${index}` } }, { 'Retry-After': '0' }))
        )
      }
      const result = await run(sim, { inputs: { ...secretInputs(sim), 'max-retries': '2' } })
      assert.equal(result.exitCode, 1)
      assert.equal(scoreRequests(sim).length, 3)
      assert.match(
        onlyError(result),
        /HTTP 503, ServiceUnavailable: Try later \(request id r2\)\)\.\nFix: the Defender API is having trouble/
      )
    }))

  it('backs off exponentially when a 5xx gives no Retry-After', () =>
    withSim(async sim => {
      sim.script.api.push(onScore({ status: 502, body: 'bad gateway' }))
      const result = await run(sim, { inputs: secretInputs(sim) })
      assert.equal(result.exitCode, 0, result.stdout)
      const waitMs = decidedWaitMs(result)
      assert.ok(waitMs >= 500 && waitMs <= 1000, `first backoff is 0.5 to 1 s, was ${waitMs} ms`)
      const [first, second] = scoreRequests(sim)
      assert.ok(first && second)
      assert.ok(second.receivedAt - first.answeredAt >= waitMs * FAST_CLOCK, 'and really waited it (on the fast clock)')
    }))

  for (const status of [400, 401, 403, 404]) {
    it(`never retries HTTP ${status}`, () =>
      withSim(async sim => {
        sim.script.api.push(onScore(json(status, { error: { code: 'Nope', message: 'no', target: 'r' } })))
        const result = await run(sim, { inputs: secretInputs(sim) })
        assert.equal(result.exitCode, 1)
        assert.equal(scoreRequests(sim).length, 1)
      }))
  }
})
