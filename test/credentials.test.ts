/** Unit tests: certificate credentials, the cloud table, and what gets masked. */
import assert from 'node:assert/strict'
import { constants, createPrivateKey, generateKeyPairSync, verify, X509Certificate, createHash } from 'node:crypto'
import { before, describe, it } from 'node:test'
import { parseClientCertificate, signClientAssertion } from '../src/certificate.js'
import { cloudEndpoints, CLOUDS, REGIONS } from '../src/clouds.js'
import { ConfigurationError } from '../src/errors.js'
import { parseSettings, secretFragments, type RawInputs } from '../src/settings.js'
import { rawInputs } from './harness.js'
import { createAppCertificate, type Pem } from './sim/pki.js'

const NOW = new Date()
const DAY_MS = 24 * 60 * 60 * 1000
let pair: Pem
let other: Pem

before(async () => {
  ;[pair, other] = await Promise.all([createAppCertificate(), createAppCertificate()])
})

function refusal(pem: string, password: string, message: RegExp): void {
  assert.throws(() => parseClientCertificate(pem, password, NOW), (error: unknown) => {
    assert.ok(error instanceof ConfigurationError)
    assert.match(error.message, message)
    return true
  })
}

describe('client certificate', () => {
  it('reads key and certificate in either order', () => {
    for (const pem of [pair.keyPem + pair.certificatePem, `${pair.certificatePem}\n${pair.keyPem}`]) {
      const credential = parseClientCertificate(pem, '', NOW)
      assert.equal(credential.certificate.raw.equals(new X509Certificate(pair.certificatePem).raw), true)
      assert.equal(credential.privateKey.asymmetricKeyType, 'rsa')
    }
  })

  it('picks the certificate that matches the key from a chain', () => {
    const credential = parseClientCertificate(other.certificatePem + pair.keyPem + pair.certificatePem, '', NOW)
    assert.equal(credential.certificate.raw.equals(new X509Certificate(pair.certificatePem).raw), true)
  })

  it('reads traditional RSA and encrypted PKCS#8 keys', () => {
    const key = createPrivateKey(pair.keyPem)
    const pkcs1 = key.export({ type: 'pkcs1', format: 'pem' }).toString()
    assert.ok(pkcs1.startsWith('-----BEGIN RSA PRIVATE KEY-----'))
    parseClientCertificate(pkcs1 + pair.certificatePem, '', NOW)
    const encrypted = key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pa55word' }).toString()
    parseClientCertificate(encrypted + pair.certificatePem, 'pa55word', NOW)
    refusal(encrypted + pair.certificatePem, '', /^Invalid client-certificate: its private key is encrypted\. Pass the password in client-certificate-password\.$/)
    refusal(encrypted + pair.certificatePem, 'wrong', /^Invalid client-certificate-password: it does not decrypt/)
  })

  it('refuses a PEM without a key, without a certificate, or with a stranger key', () => {
    refusal(pair.certificatePem, '', /^Invalid client-certificate: it holds no private key/)
    refusal(pair.keyPem, '', /^Invalid client-certificate: it holds a private key but no certificate/)
    refusal(other.keyPem + pair.certificatePem, '', /^Invalid client-certificate: the private key does not match the certificate \(subject 'CN=secure-score-action'\)/)
    refusal('not pem at all', '', /no private key/)
  })

  it('refuses a key that is not RSA', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    refusal(ec + pair.certificatePem, '', /its key is ec\. Expected an RSA key/)
  })

  it('refuses an expired certificate, saying when it expired, and one not yet valid', async () => {
    const expiredAt = new Date(Date.now() - 2 * DAY_MS)
    const expired = await createAppCertificate({ notBefore: new Date(Date.now() - 30 * DAY_MS), notAfter: expiredAt })
    refusal(expired.keyPem + expired.certificatePem, '', new RegExp(`expired on ${expiredAt.toISOString().slice(0, 16)}`))
    const future = await createAppCertificate({ notBefore: new Date(Date.now() + 2 * DAY_MS) })
    refusal(future.keyPem + future.certificatePem, '', /is not valid before/)
  })

  it('signs a PS256 assertion Entra can verify against the certificate', () => {
    const credential = parseClientCertificate(pair.keyPem + pair.certificatePem, '', NOW)
    const endpoint = 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token'
    const jwt = signClientAssertion(credential, 'client-1', endpoint, NOW, 'jti-1')
    const [header = '', payload = '', signature = ''] = jwt.split('.')
    const decode = (part: string): Record<string, unknown> => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
    const certificate = new X509Certificate(pair.certificatePem)
    assert.deepEqual(decode(header), {
      alg: 'PS256',
      typ: 'JWT',
      'x5t#S256': createHash('sha256').update(certificate.raw).digest('base64url')
    })
    const claims = decode(payload)
    const issuedAt = Math.floor(NOW.getTime() / 1000)
    assert.deepEqual(claims, { aud: endpoint, iss: 'client-1', sub: 'client-1', jti: 'jti-1', iat: issuedAt, nbf: issuedAt, exp: issuedAt + 300 })
    const valid = verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      { key: certificate.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
      Buffer.from(signature, 'base64url')
    )
    assert.equal(valid, true)
    assert.notEqual(signClientAssertion(credential, 'client-1', endpoint, NOW).split('.')[1], payload, 'a fresh jti each time')
  })
})

describe('clouds and regions', () => {
  it('maps every cloud to its hosts and scope', () => {
    assert.deepEqual(
      Object.fromEntries(CLOUDS.map(cloud => [cloud, cloudEndpoints(cloud, undefined)])),
      {
        commercial: {
          apiUrl: 'https://api.securitycenter.microsoft.com',
          authorityHost: 'https://login.microsoftonline.com',
          scope: 'https://api.securitycenter.microsoft.com/.default'
        },
        gcc: {
          apiUrl: 'https://api-gcc.securitycenter.microsoft.us',
          authorityHost: 'https://login.microsoftonline.com',
          scope: 'https://api-gcc.securitycenter.microsoft.us/.default'
        },
        'gcc-high': {
          apiUrl: 'https://api-gov.securitycenter.microsoft.us',
          authorityHost: 'https://login.microsoftonline.us',
          scope: 'https://api-gov.securitycenter.microsoft.us/.default'
        },
        dod: {
          apiUrl: 'https://api-gov.securitycenter.microsoft.us',
          authorityHost: 'https://login.microsoftonline.us',
          scope: 'https://api-gov.securitycenter.microsoft.us/.default'
        }
      }
    )
  })

  it('maps regions to regional hosts with the commercial scope', () => {
    for (const region of REGIONS) {
      assert.deepEqual(cloudEndpoints('commercial', region), {
        apiUrl: `https://${region}.api.security.microsoft.com`,
        authorityHost: 'https://login.microsoftonline.com',
        scope: 'https://api.securitycenter.microsoft.com/.default'
      })
    }
  })
})

describe('settings for clouds and certificates', () => {
  const base = rawInputs({ 'tenant-id': 'contoso.onmicrosoft.us', 'client-secret': 's3cret-value' })
  const parse = (overrides: Partial<RawInputs>) => parseSettings({ ...base, ...overrides }, {}, NOW)

  it('takes hosts and scope from the cloud, each overridable', () => {
    const gov = parse({ cloud: 'gcc-high' })
    assert.equal(gov.apiUrl, 'https://api-gov.securitycenter.microsoft.us')
    assert.equal(gov.authorityHost, 'https://login.microsoftonline.us')
    assert.equal(gov.scope, 'https://api-gov.securitycenter.microsoft.us/.default')
    const overridden = parse({ cloud: 'dod', scope: 'https://api.securitycenter.microsoft.us/.default' })
    assert.equal(overridden.scope, 'https://api.securitycenter.microsoft.us/.default')
    assert.equal(overridden.apiUrl, 'https://api-gov.securitycenter.microsoft.us')
    assert.equal(parse({ region: 'eu', 'api-url': 'https://example.com' }).apiUrl, 'https://example.com')
    assert.equal(parse({ cloud: '' }).cloud, 'commercial')
  })

  it('refuses unknown clouds and regions, and regions of a government cloud', () => {
    assert.throws(() => parse({ cloud: 'azure-china' }), /^ConfigurationError: Invalid cloud 'azure-china'\. Expected one of: commercial, gcc, gcc-high, dod\.$/)
    assert.throws(() => parse({ region: 'mars' }), /^ConfigurationError: Invalid region 'mars'\. Expected one of: us, eu, uk, au, swa, ina, aea\.$/)
    assert.throws(() => parse({ cloud: 'gcc', region: 'us' }), /^ConfigurationError: Invalid region 'us' with cloud 'gcc': regions apply to the commercial cloud only/)
  })

  it('prefers the certificate over the secret in auto, and needs one for auth-method certificate', () => {
    assert.equal(parse({ 'client-certificate': pair.keyPem + pair.certificatePem }).credential.method, 'certificate')
    assert.equal(parse({ 'client-certificate': pair.keyPem + pair.certificatePem, 'access-token': 't' }).credential.method, 'token')
    assert.throws(() => parse({ 'auth-method': 'certificate' }), /^ConfigurationError: auth-method is 'certificate' but client-certificate is empty/)
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
