/**
 * End to end for enterprise and government set-ups: certificate credentials, every cloud and region,
 * a proxy in front of everything, and a private CA trusted through NODE_EXTRA_CA_CERTS.
 *
 * The action is pointed at the real Microsoft host names; HTTPS_PROXY sends it to a CONNECT proxy on
 * loopback that records each host and tunnels to the HTTPS simulator, whose certificate (for those
 * names) comes from a CA made for this run. Nothing leaves the machine.
 */
import assert from 'node:assert/strict'
import { createPrivateKey } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { annotations, maskedValues, onlyError, pullRequestRun, runSwept as run, withSim, type RunOptions } from '../support/harness.js'
import { createAppCertificate, createCertificateAuthority, issueServerCertificate, keyLines, type Pem } from '../sim/pki.js'
import { ConnectProxy } from '../sim/proxy.js'
import type { Simulator } from '../sim/simulator.js'

const SIGN_IN_HOSTS = ['login.microsoftonline.com', 'login.microsoftonline.us']
const API_HOSTS = [
  'api.security.microsoft.com',
  'api.securitycenter.microsoft.com',
  'api-gcc.securitycenter.microsoft.us',
  'api-gov.securitycenter.microsoft.us',
  ...['us', 'eu', 'uk', 'au', 'swa', 'ina', 'aea'].map(region => `${region}.api.security.microsoft.com`),
  'defender.sim.invalid'
]
/** GitHub Enterprise Server's API, as GITHUB_API_URL names it on such a runner. */
const GITHUB_API_HOST = 'github.sim.invalid'

let workDir: string
let caFile: string
let serverTls: Pem
let appCertificate: Pem

before(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'secure-score-pki-'))
  const authority = await createCertificateAuthority()
  ;[serverTls, appCertificate] = await Promise.all([
    issueServerCertificate(authority, [...SIGN_IN_HOSTS, ...API_HOSTS, GITHUB_API_HOST, 'localhost']),
    createAppCertificate()
  ])
  caFile = join(workDir, 'ca.pem')
  await writeFile(caFile, authority.certificatePem)
})

after(() => rm(workDir, { recursive: true, force: true }))

/** A TLS simulator behind a proxy that routes Microsoft's host names to it. */
async function withProxiedSim(test: (sim: Simulator, proxy: ConnectProxy) => Promise<void>): Promise<void> {
  await withSim(
    async sim => {
      const proxy = await ConnectProxy.start(host =>
        SIGN_IN_HOSTS.includes(host)
          ? sim.port('entra')
          : API_HOSTS.includes(host)
            ? sim.port('api')
            : host === GITHUB_API_HOST
              ? sim.port('github')
              : undefined
      )
      try {
        await test(sim, proxy)
      } finally {
        await proxy.close()
      }
    },
    { tls: serverTls }
  )
}

function proxiedRun(sim: Simulator, proxy: ConnectProxy, inputs: Record<string, string>, env: Record<string, string> = {}): RunOptions {
  return {
    inputs: { 'tenant-id': sim.tenantId, 'client-id': sim.entra.app.clientId, 'client-secret': sim.entra.app.secret ?? '', ...inputs },
    env: { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: caFile, ...env }
  }
}

describe('clouds and regions, through a proxy', () => {
  const cases: Array<[string, Record<string, string>, string, string, string]> = [
    [
      'commercial (default)',
      {},
      'login.microsoftonline.com',
      'api.security.microsoft.com',
      'https://api.securitycenter.microsoft.com/.default'
    ],
    [
      'gcc',
      { cloud: 'gcc' },
      'login.microsoftonline.com',
      'api-gcc.securitycenter.microsoft.us',
      'https://api-gcc.securitycenter.microsoft.us/.default'
    ],
    [
      'gcc-high',
      { cloud: 'gcc-high' },
      'login.microsoftonline.us',
      'api-gov.securitycenter.microsoft.us',
      'https://api-gov.securitycenter.microsoft.us/.default'
    ],
    [
      'dod',
      { cloud: 'dod' },
      'login.microsoftonline.us',
      'api-gov.securitycenter.microsoft.us',
      'https://api-gov.securitycenter.microsoft.us/.default'
    ],
    ...['us', 'eu', 'uk', 'au', 'swa', 'ina', 'aea'].map((region): [string, Record<string, string>, string, string, string] => [
      `commercial region ${region}`,
      { region },
      'login.microsoftonline.com',
      `${region}.api.security.microsoft.com`,
      'https://api.securitycenter.microsoft.com/.default'
    ])
  ]
  for (const [name, inputs, signInHost, apiHost, scope] of cases) {
    it(`${name}: signs in at ${signInHost} for ${scope} and reads ${apiHost}`, () =>
      withProxiedSim(async (sim, proxy) => {
        const result = await run(sim, proxiedRun(sim, proxy, inputs))
        assert.equal(result.exitCode, 0, result.stdout)
        assert.deepEqual(proxy.targets(), [`${signInHost}:443`, `${apiHost}:443`])
        const [tokenRequest] = sim.requestsTo('entra')
        assert.equal(tokenRequest?.host, signInHost)
        assert.equal(tokenRequest?.path, `/${sim.tenantId}/oauth2/v2.0/token`)
        assert.equal(tokenRequest?.form['scope'], scope)
        assert.equal(sim.requestsTo('api')[0]?.host, apiHost)
        assert.match(
          result.summary,
          new RegExp(`\\| Cloud \\| ${inputs['cloud'] ?? 'commercial'}${inputs['region'] ? ` \\(region ${inputs['region']}\\)` : ''} \\|`)
        )
        assert.match(result.summary, new RegExp(`\\| API host \\| \`${apiHost.replace(/\./g, '\\.')}\` \\|`))
      }))
  }

  it('lets api-url, authority-host and scope override the cloud table one by one', () =>
    withProxiedSim(async (sim, proxy) => {
      const result = await run(
        sim,
        proxiedRun(sim, proxy, {
          cloud: 'gcc-high',
          'api-url': 'https://api-gcc.securitycenter.microsoft.us',
          'authority-host': 'https://login.microsoftonline.com',
          scope: 'https://api-gcc.securitycenter.microsoft.us/.default'
        })
      )
      assert.equal(result.exitCode, 0, result.stdout)
      assert.deepEqual(proxy.targets(), ['login.microsoftonline.com:443', 'api-gcc.securitycenter.microsoft.us:443'])
    }))

  it('fails at sign-in with a hint when the scope is of another cloud', () =>
    withProxiedSim(async (sim, proxy) => {
      const result = await run(
        sim,
        proxiedRun(sim, proxy, { cloud: 'gcc-high', scope: 'https://api.securitycenter.microsoft.com/.default' })
      )
      assert.equal(result.exitCode, 1)
      assert.match(onlyError(result), /AADSTS500011[\s\S]*Fix: Check scope/)
    }))

  it('refuses a region with a government cloud before any request', () =>
    withProxiedSim(async (sim, proxy) => {
      const result = await run(sim, proxiedRun(sim, proxy, { cloud: 'gcc', region: 'eu' }))
      assert.equal(result.exitCode, 1)
      assert.match(onlyError(result), /^Invalid region 'eu' with cloud 'gcc'/)
      assert.deepEqual(proxy.connects, [])
      assert.equal(sim.requests.length, 0)
    }))
})

describe('proxy settings and private CAs', () => {
  it('goes through the proxy for a custom api-url unless NO_PROXY names it', () =>
    withProxiedSim(async (sim, proxy) => {
      const proxied = await run(sim, proxiedRun(sim, proxy, { 'api-url': 'https://defender.sim.invalid' }))
      assert.equal(proxied.exitCode, 0, proxied.stdout)
      assert.deepEqual(proxy.targets(), ['login.microsoftonline.com:443', 'defender.sim.invalid:443'])
      proxy.connects.length = 0

      // The .invalid name never resolves (RFC 6761): going direct can only fail, and proves the bypass.
      const bypassed = await run(
        sim,
        proxiedRun(
          sim,
          proxy,
          { 'api-url': 'https://defender.sim.invalid', 'max-retries': '0', 'timeout-seconds': '10' },
          { NO_PROXY: 'localhost,.sim.invalid' }
        )
      )
      assert.equal(bypassed.exitCode, 1)
      assert.deepEqual(proxy.targets(), ['login.microsoftonline.com:443'])
      assert.match(onlyError(bypassed), /^No answer from the Defender API \(defender\.sim\.invalid\): getaddrinfo /)
    }))

  it('trusts a private CA only through NODE_EXTRA_CA_CERTS', () =>
    withProxiedSim(async (sim, proxy) => {
      const options = proxiedRun(sim, proxy, {})
      const untrusted = await run(sim, { ...options, env: { ...options.env, NODE_EXTRA_CA_CERTS: undefined } })
      assert.equal(untrusted.exitCode, 1)
      const error = onlyError(untrusted)
      assert.match(
        error,
        /^No answer from Entra ID \(login\.microsoftonline\.com\): unable to verify the first certificate\. The server's TLS certificate is not trusted/
      )
      assert.match(error, /set NODE_EXTRA_CA_CERTS to the PEM file of that CA/)
      assert.deepEqual(proxy.connects, ['login.microsoftonline.com:443'], 'not retried: a certificate does not fix itself')
      assert.equal(sim.requests.length, 0, 'nothing was sent over the untrusted connection')

      const trusted = await run(sim, options)
      assert.equal(trusted.exitCode, 0, trusted.stdout)
    }))

  it("comments on the pull request through the proxy too (GitHub's API goes through the same client)", () =>
    withProxiedSim(async (sim, proxy) => {
      const pullRequest = pullRequestRun(sim, { GITHUB_API_URL: `https://${GITHUB_API_HOST}/api/v3` })
      const options = proxiedRun(sim, proxy, { 'comment-on-pr': 'true' })
      const result = await run(sim, { ...pullRequest, inputs: options.inputs, env: { ...pullRequest.env, ...options.env } })
      assert.equal(result.exitCode, 0, result.stdout)
      assert.equal(annotations(result, 'warning').length, 0, result.stdout)
      assert.equal(sim.github.comments.length, 1)
      assert.ok(
        proxy.targets().includes(`${GITHUB_API_HOST}:443`),
        `GitHub's API was reached through the proxy: ${proxy.targets().join(', ')}`
      )
    }))

  it('reaches the HTTPS simulator on loopback directly, with the CA, without a proxy', () =>
    withSim(
      async sim => {
        const result = await run(sim, {
          inputs: {
            'tenant-id': sim.tenantId,
            'client-id': sim.entra.app.clientId,
            'client-secret': sim.entra.app.secret ?? '',
            'api-url': sim.apiUrl,
            'authority-host': sim.entraUrl
          },
          env: { NODE_EXTRA_CA_CERTS: caFile }
        })
        assert.equal(result.exitCode, 0, result.stdout)
        assert.match(sim.apiUrl, /^https:/)
      },
      { tls: serverTls }
    ))
})

describe('certificate credentials', () => {
  it('signs in with a certificate the simulator verifies (signature, thumbprint, claims), key never shown', () =>
    withProxiedSim(async (sim, proxy) => {
      sim.entra.app.certificates.push(appCertificate.certificatePem)
      for (const pem of [appCertificate.keyPem + appCertificate.certificatePem, appCertificate.certificatePem + appCertificate.keyPem]) {
        const result = await run(sim, proxiedRun(sim, proxy, { 'client-secret': '', 'client-certificate': pem }), keyLines(appCertificate))
        assert.equal(result.exitCode, 0, result.stdout)
        assert.equal(result.outputs['score'], '340')
        assert.match(result.summary, /\| Signed in with \| client certificate \|/)
        const masked = maskedValues(result)
        for (const line of keyLines(appCertificate)) {
          assert.ok(masked.includes(line), 'every line of the key is masked')
        }
      }
      const forms = sim.requestsTo('entra').map(request => request.form)
      assert.equal(forms.length, 2)
      for (const form of forms) {
        assert.equal(form['client_assertion_type'], 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
        assert.equal(form['client_secret'], undefined)
      }
      assert.notEqual(forms[0]?.['client_assertion'], forms[1]?.['client_assertion'])
    }))

  it('auto prefers the certificate over a client secret', () =>
    withProxiedSim(async (sim, proxy) => {
      sim.entra.app.certificates.push(appCertificate.certificatePem)
      const result = await run(
        sim,
        proxiedRun(sim, proxy, { 'client-certificate': appCertificate.keyPem + appCertificate.certificatePem }),
        keyLines(appCertificate)
      )
      assert.equal(result.exitCode, 0, result.stdout)
      assert.ok(sim.requestsTo('entra')[0]?.form['client_assertion'])
      assert.equal(sim.requestsTo('entra')[0]?.form['client_secret'], undefined)
    }))

  it('decrypts an encrypted key with client-certificate-password, which is masked', () =>
    withProxiedSim(async (sim, proxy) => {
      sim.entra.app.certificates.push(appCertificate.certificatePem)
      const password = 'correct-horse-battery'
      const encrypted = createPrivateKey(appCertificate.keyPem)
        .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: password })
        .toString()
      const result = await run(
        sim,
        proxiedRun(sim, proxy, {
          'client-certificate': encrypted + appCertificate.certificatePem,
          'client-certificate-password': password
        }),
        [password]
      )
      assert.equal(result.exitCode, 0, result.stdout)
      assert.ok(maskedValues(result).includes(password))
    }))

  it('explains AADSTS700027 when the certificate is not registered on the app', () =>
    withProxiedSim(async (sim, proxy) => {
      const result = await run(
        sim,
        proxiedRun(sim, proxy, { 'client-certificate': appCertificate.keyPem + appCertificate.certificatePem }),
        keyLines(appCertificate)
      )
      assert.equal(result.exitCode, 1)
      assert.match(
        onlyError(result),
        /AADSTS700027[\s\S]*Fix: The client assertion's signature is invalid: the certificate is not registered on the app\./
      )
    }))

  it('refuses an expired certificate before any request, saying when it expired', async () => {
    const expiredAt = new Date(Date.now() - 3 * 24 * 60 * 60 * 1000)
    const expired = await createAppCertificate({ notBefore: new Date(Date.now() - 400 * 24 * 60 * 60 * 1000), notAfter: expiredAt })
    await withProxiedSim(async (sim, proxy) => {
      sim.entra.app.certificates.push(expired.certificatePem)
      const result = await run(sim, proxiedRun(sim, proxy, { 'client-certificate': expired.keyPem + expired.certificatePem }))
      assert.equal(result.exitCode, 1)
      assert.match(
        onlyError(result),
        new RegExp(
          `^Invalid client-certificate: the certificate \\(thumbprint [0-9A-F]{40}\\) expired on ${expiredAt.toISOString().slice(0, 16)}`
        )
      )
      assert.equal(sim.requests.length + proxy.connects.length, 0)
    })
  })

  it('refuses a key that does not match the certificate before any request', () =>
    withProxiedSim(async (sim, proxy) => {
      const stranger = await createAppCertificate()
      const result = await run(sim, proxiedRun(sim, proxy, { 'client-certificate': stranger.keyPem + appCertificate.certificatePem }))
      assert.equal(result.exitCode, 1)
      assert.match(onlyError(result), /^Invalid client-certificate: the private key does not match the certificate/)
      assert.equal(annotations(result, 'warning').length, 0)
      assert.equal(sim.requests.length + proxy.connects.length, 0)
    }))
})
