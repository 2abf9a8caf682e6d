/** Reading and validating inputs. */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { ConfigurationError } from '../../src/errors.js'
import { isValidBranchName, parseSettings, secretFragments, type RawInputs } from '../../src/config/inputs.js'
import { rawInputs } from '../support/harness.js'
import { createAppCertificate, type Pem } from '../sim/pki.js'

const OIDC_ENV = { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://example/idtoken?x=1', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' }

function settings(overrides: Partial<RawInputs>, env: NodeJS.ProcessEnv = OIDC_ENV) {
  return parseSettings(rawInputs(overrides), env, new Date())
}

const NOW = new Date()
let pair: Pem

before(async () => {
  pair = await createAppCertificate()
})

describe('settings', () => {
  it('reads the defaults as OIDC with no gate', () => {
    const parsed = settings({})
    assert.equal(parsed.app.credential.method, 'oidc')
    assert.equal(parsed.tenants[0]?.limits['min-score'], undefined)
    assert.equal(parsed.timeoutMs, 30_000)
    assert.equal(parsed.maxRetries, 3)
    assert.equal(parsed.apiUrl, 'https://api.security.microsoft.com')
  })

  it('resolves auto: token, then secret, then OIDC', () => {
    assert.equal(settings({ 'access-token': 'a', 'client-secret': 's' }).app.credential.method, 'token')
    assert.equal(settings({ 'client-secret': 's' }).app.credential.method, 'secret')
    assert.equal(settings({}).app.credential.method, 'oidc')
    assert.equal(settings({ 'auth-method': 'OIDC', 'client-secret': 's' }).app.credential.method, 'oidc')
  })

  it('does not need tenant-id nor client-id with an access token', () => {
    const parsed = settings({ 'access-token': 'a', 'tenant-id': '', 'client-id': '' }, {})
    assert.equal(parsed.tenants[0]?.id, '')
    assert.equal(parsed.app.clientId, '')
  })

  it('parses thresholds, including fractions', () => {
    assert.equal(settings({ 'min-score': '400' }).tenants[0]?.limits['min-score'], 400)
    assert.equal(settings({ 'min-score': '0' }).tenants[0]?.limits['min-score'], 0)
    assert.equal(settings({ 'min-score': '412.5' }).tenants[0]?.limits['min-score'], 412.5)
    for (const bad of ['-1', 'abc', '1e3', '40O', 'Infinity', '.5', '5.']) {
      assert.throws(() => settings({ 'min-score': bad }), {
        name: 'ConfigurationError',
        message: new RegExp(`^Invalid min-score '${bad.replace('.', '\\.')}'`)
      })
    }
  })

  it('accepts the YAML core-schema booleans only', () => {
    assert.equal(settings({ 'fail-on-low-score': 'FALSE' }).failOnLowScore, false)
    assert.equal(settings({ 'job-summary': 'True' }).jobSummary, true)
    assert.throws(() => settings({ 'job-summary': 'yes' }), /^ConfigurationError: Invalid job-summary 'yes'/)
  })

  it('strips a trailing slash and keeps a path prefix of service URLs', () => {
    assert.equal(settings({ 'api-url': 'https://proxy.example.com/defender/' }).apiUrl, 'https://proxy.example.com/defender')
    assert.equal(settings({ 'authority-host': 'http://127.0.0.1:8080/' }).app.authorityHost, 'http://127.0.0.1:8080')
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
    assert.equal(settings({ 'client-secret': 's' }, {}).app.credential.method, 'secret')
  })
})

describe('settings for clouds and certificates', () => {
  const base = rawInputs({ 'tenant-id': 'contoso.onmicrosoft.us', 'client-secret': 's3cret-value' })
  const parse = (overrides: Partial<RawInputs>) => parseSettings({ ...base, ...overrides }, {}, NOW)

  it('takes hosts and scope from the cloud, each overridable', () => {
    const gov = parse({ cloud: 'gcc-high' })
    assert.equal(gov.apiUrl, 'https://api-gov.securitycenter.microsoft.us')
    assert.equal(gov.app.authorityHost, 'https://login.microsoftonline.us')
    assert.equal(gov.app.scope, 'https://api-gov.securitycenter.microsoft.us/.default')
    const overridden = parse({ cloud: 'dod', scope: 'https://api.securitycenter.microsoft.us/.default' })
    assert.equal(overridden.app.scope, 'https://api.securitycenter.microsoft.us/.default')
    assert.equal(overridden.apiUrl, 'https://api-gov.securitycenter.microsoft.us')
    assert.equal(parse({ region: 'eu', 'api-url': 'https://example.com' }).apiUrl, 'https://example.com')
    assert.equal(parse({ cloud: '' }).cloud, 'commercial')
  })

  it('refuses unknown clouds and regions, and regions of a government cloud', () => {
    assert.throws(
      () => parse({ cloud: 'azure-china' }),
      /^ConfigurationError: Invalid cloud 'azure-china'\. Expected one of: commercial, gcc, gcc-high, dod\.$/
    )
    assert.throws(
      () => parse({ region: 'mars' }),
      /^ConfigurationError: Invalid region 'mars'\. Expected one of: us, eu, uk, au, swa, ina, aea\.$/
    )
    assert.throws(
      () => parse({ cloud: 'gcc', region: 'us' }),
      /^ConfigurationError: Invalid region 'us' with cloud 'gcc': regions apply to the commercial cloud only/
    )
  })

  it('prefers the certificate over the secret in auto, and needs one for auth-method certificate', () => {
    assert.equal(parse({ 'client-certificate': pair.keyPem + pair.certificatePem }).app.credential.method, 'certificate')
    assert.equal(parse({ 'client-certificate': pair.keyPem + pair.certificatePem, 'access-token': 't' }).app.credential.method, 'token')
    assert.throws(
      () => parse({ 'auth-method': 'certificate' }),
      /^ConfigurationError: auth-method is 'certificate' but client-certificate is empty/
    )
  })

  it('masks the certificate input, each line of its key, and the password', () => {
    const pem = pair.keyPem + pair.certificatePem
    const fragments = secretFragments({ ...base, 'client-certificate': pem, 'client-certificate-password': 'pw-123' })
    assert.ok(fragments.includes(pem))
    assert.ok(fragments.includes('pw-123'))
    assert.ok(fragments.includes('s3cret-value'))
    for (const line of pair.keyPem.split('\n').filter(line => line && !line.startsWith('-----'))) {
      assert.ok(fragments.includes(line), `key line ${line.slice(0, 10)}... is masked`)
    }
    assert.ok(!fragments.some(fragment => fragment !== pem && fragment.startsWith('-----')), 'PEM armour lines are not masked alone')
  })
})

describe('input refusals', () => {
  const secretRun = { 'client-secret': 'a-client-secret-value' }
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['min-score not a number', { 'min-score': 'abc' }, /^Invalid min-score 'abc'\. Expected a non-negative number/],
    ['negative min-score', { 'min-score': '-1' }, /^Invalid min-score '-1'/],
    ['tenant-id', { 'tenant-id': 'not a tenant' }, /^Invalid tenant-id 'not a tenant'\. Expected the directory \(tenant\) ID/],
    ['tenant-id common', { 'tenant-id': 'common' }, /^Invalid tenant-id 'common'/],
    ['client-id', { 'client-id': 'my-app' }, /^Invalid client-id 'my-app'\. Expected the application \(client\) ID/],
    ['missing client-id', { 'client-id': '' }, /^Missing client-id: auth-method 'secret' needs it/],
    ['missing tenant-id', { 'tenant-id': '' }, /^Missing tenant-id: auth-method 'secret' needs it/],
    [
      'auth-method',
      { 'auth-method': 'magic' },
      /^Invalid auth-method 'magic'\. Expected one of: auto, oidc, secret, certificate, token\.$/
    ],
    ['token without access-token', { 'auth-method': 'token' }, /^auth-method is 'token' but access-token is empty/],
    [
      'secret without client-secret',
      { 'auth-method': 'secret', 'client-secret': '' },
      /^auth-method is 'secret' but client-secret is empty/
    ],
    [
      'api-url over plain http',
      { 'api-url': 'http://api.securitycenter.microsoft.com' },
      /^Invalid api-url 'http:\/\/api\.securitycenter\.microsoft\.com'\. Expected an https:\/\/ URL .*clear text/
    ],
    [
      'authority-host not a URL',
      { 'authority-host': 'login.microsoftonline.com' },
      /^Invalid authority-host 'login\.microsoftonline\.com'\. Expected an absolute https:\/\/ URL/
    ],
    [
      'authority-host with credentials',
      { 'authority-host': 'https://user:pw@login.microsoftonline.com' },
      /^Invalid authority-host: it must not contain a user name or password/
    ],
    ['api-url with a query', { 'api-url': 'https://api.securitycenter.microsoft.com?x=1' }, /^Invalid api-url .*without a query/],
    [
      'scope without .default',
      { scope: 'https://api.securitycenter.microsoft.com/Score.Read.All' },
      /^Invalid scope .*followed by \/\.default/
    ],
    ['fail-on-low-score', { 'fail-on-low-score': 'yes' }, /^Invalid fail-on-low-score 'yes'\. Expected true or false\.$/],
    ['job-summary', { 'job-summary': '1' }, /^Invalid job-summary '1'\. Expected true or false\.$/],
    ['timeout-seconds zero', { 'timeout-seconds': '0' }, /^Invalid timeout-seconds '0'\. Expected a number of seconds greater than 0/],
    ['max-retries', { 'max-retries': 'lots' }, /^Invalid max-retries 'lots'\. Expected a whole number from 0 to 10/],
    ['max-retries too high', { 'max-retries': '11' }, /^Invalid max-retries '11'/],
    ['empty oidc-audience', { 'oidc-audience': '' }, /^Missing oidc-audience/]
  ]
  for (const [name, inputs, message] of cases) {
    it(`refuses ${name}, naming the input and the fix`, () => {
      assert.throws(
        () => parseSettings(rawInputs({ ...secretRun, ...inputs }), {}, new Date()),
        (error: unknown) => error instanceof ConfigurationError && message.test(error.message)
      )
    })
  }
})

describe('history-branch names', () => {
  it('accepts what git check-ref-format --branch accepts, slashes included', () => {
    for (const name of ['secure-score-history', 'compliance/secure-score', 'a.b/c-d_e', 'v1.2']) {
      assert.equal(isValidBranchName(name), true, name)
    }
  })

  it('refuses what it refuses (.secure-score, a/.b, HEAD, ...), before any request', () => {
    for (const name of [
      '.secure-score',
      'a/.b',
      'HEAD',
      '@',
      '-x',
      'a..b',
      'a//b',
      'a/',
      'a.',
      'x.lock',
      'a/b.lock/c',
      'a b',
      'a~b',
      'a^b',
      'a:b',
      'a?b',
      'a*b',
      'a[b',
      'a\\b',
      'a@{b',
      'a\u0001b'
    ]) {
      assert.equal(isValidBranchName(name), false, JSON.stringify(name))
    }
    assert.throws(
      () => settings({ 'history-branch': 'a/.b', 'client-secret': 's' }, { GITHUB_REPOSITORY: 'o/r' }),
      (error: unknown) =>
        error instanceof ConfigurationError && /^Invalid history-branch 'a\/\.b'\. Expected a branch name git accepts/.test(error.message)
    )
  })

  it('max-new-exploitable-vulnerabilities without a history is a configuration error, like max-drop', () => {
    assert.throws(
      () => settings({ 'max-new-exploitable-vulnerabilities': '0' }),
      (error: unknown) =>
        error instanceof ConfigurationError &&
        /^max-new-exploitable-vulnerabilities '0' needs a history to compare with\./.test(error.message)
    )
  })

  it('reads the vulnerabilities only when listed or gated, at the severity asked for; refuses bad values naming the input', () => {
    assert.equal(settings({}).vulnerabilitySeverity, undefined)
    assert.equal(settings({ vulnerabilities: '5', 'vulnerability-severity': 'HIGH' }).vulnerabilitySeverity, 'high')
    assert.equal(settings({ 'max-exploitable-vulnerabilities': '0' }).vulnerabilitySeverity, 'critical')
    const gated = settings({ 'tenant-id': 'a.example.com max-exploitable-vulnerabilities=2\nb.example.com' })
    assert.equal(gated.vulnerabilitySeverity, 'critical', 'a limit on one line reads them for the run')
    assert.deepEqual(
      gated.tenants.map(tenant => tenant.limits['max-exploitable-vulnerabilities']),
      [2, undefined]
    )
    const refusals: Array<[Record<string, string>, RegExp]> = [
      [
        { 'vulnerability-severity': 'severe' },
        /^Invalid vulnerability-severity 'severe'\. Expected one of: low, medium, high, critical\.$/
      ],
      [{ vulnerabilities: '101' }, /^Invalid vulnerabilities '101'\. Expected a whole number from 0 to 100/],
      [
        { 'max-exploitable-vulnerabilities': '1.5' },
        /^Invalid max-exploitable-vulnerabilities '1\.5'\. Expected a whole number of vulnerabilities/
      ],
      [
        { 'tenant-id': 'a.example.com max-exploitable-vulnerabilities=-1\nb.example.com' },
        /^Invalid tenant-id line 1 .*Invalid max-exploitable-vulnerabilities '-1'/
      ]
    ]
    for (const [inputs, message] of refusals) {
      assert.throws(
        () => settings(inputs),
        (error: unknown) => error instanceof ConfigurationError && message.test(error.message),
        JSON.stringify(inputs)
      )
    }
  })

  it('max-drop without a history is a configuration error naming both inputs', () => {
    assert.throws(
      () => settings({ 'max-drop': '10' }),
      (error: unknown) =>
        error instanceof ConfigurationError &&
        /^max-drop '10' needs a history to compare with\. Set history-branch .* or history-file/.test(error.message)
    )
  })
})

describe('badges of many tenants', () => {
  it('refuses labels whose badge file names collide after sanitising (A/B and A B), whatever the lines’ order', () => {
    for (const tenants of ['a.com name=A/B\nb.com name="A B"', 'b.com name="A B"\na.com name=A/B']) {
      assert.throws(
        () => settings({ 'tenant-id': tenants, 'badge-file': 'badges/{tenant}.svg' }, { ...OIDC_ENV, GITHUB_WORKSPACE: '/tmp' }),
        (error: unknown) => error instanceof ConfigurationError && /would both write the badge 'badges\/A-B\.svg'/.test(error.message)
      )
    }
    const distinct = settings(
      { 'tenant-id': 'a.com name=A/B\nb.com name=C', 'badge-file': 'badges/{tenant}.svg' },
      { ...OIDC_ENV, GITHUB_WORKSPACE: '/tmp' }
    )
    assert.equal(distinct.tenants.length, 2)
  })
})
