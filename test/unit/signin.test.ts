/** Signing in: certificate credentials, and what Entra ID's refusals mean. */
import assert from 'node:assert/strict'
import { constants, createPrivateKey, generateKeyPairSync, verify, X509Certificate, createHash } from 'node:crypto'
import { before, describe, it } from 'node:test'
import { describeTokenFailure, parseEntraError, presentedAssertion } from '../../src/signin/entra.js'
import { parseClientCertificate, signClientAssertion } from '../../src/signin/certificate.js'
import { ConfigurationError } from '../../src/errors.js'
import { createAppCertificate, type Pem } from '../sim/pki.js'

const NOW = new Date()
const DAY_MS = 24 * 60 * 60 * 1000
let pair: Pem
let other: Pem

before(async () => {
  ;[pair, other] = await Promise.all([createAppCertificate(), createAppCertificate()])
})

function refusal(pem: string, password: string, message: RegExp): void {
  assert.throws(
    () => parseClientCertificate(pem, password, NOW),
    (error: unknown) => {
      assert.ok(error instanceof ConfigurationError)
      assert.match(error.message, message)
      return true
    }
  )
}

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
    const assertion = {
      issuer: 'https://token.actions.githubusercontent.com',
      subject: 'repo:o/r:ref:refs/heads/x',
      audience: 'api://AzureADTokenExchange'
    }
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
    refusal(
      encrypted + pair.certificatePem,
      '',
      /^Invalid client-certificate: its private key is encrypted\. Pass the password in client-certificate-password\.$/
    )
    refusal(encrypted + pair.certificatePem, 'wrong', /^Invalid client-certificate-password: it does not decrypt/)
  })

  it('refuses a PEM without a key, without a certificate, or with a stranger key', () => {
    refusal(pair.certificatePem, '', /^Invalid client-certificate: it holds no private key/)
    refusal(pair.keyPem, '', /^Invalid client-certificate: it holds a private key but no certificate/)
    refusal(
      other.keyPem + pair.certificatePem,
      '',
      /^Invalid client-certificate: the private key does not match the certificate \(subject 'CN=secure-score-action'\)/
    )
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
    assert.deepEqual(claims, {
      aud: endpoint,
      iss: 'client-1',
      sub: 'client-1',
      jti: 'jti-1',
      iat: issuedAt,
      nbf: issuedAt,
      exp: issuedAt + 300
    })
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
