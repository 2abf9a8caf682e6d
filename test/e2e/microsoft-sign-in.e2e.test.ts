/**
 * Microsoft's side as the judge: the certificate assertion the action signs is verified with `jose`
 * against what Microsoft documents for certificate credentials
 * (https://learn.microsoft.com/entra/identity-platform/certificate-credentials), and Microsoft's own
 * client, `@azure/msal-node`, acquires app tokens from the simulator's Entra ID with a client secret
 * and with the same certificate: the simulator speaks the protocol Microsoft's client speaks.
 */
import assert from 'node:assert/strict'
import { createHash, X509Certificate } from 'node:crypto'
import { request } from 'node:https'
import { describe, it } from 'node:test'
import { ConfidentialClientApplication, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node'
import { decodeProtectedHeader, importX509, jwtVerify } from 'jose'
import { createAppCertificate, createCertificateAuthority, issueServerCertificate } from '../sim/pki.js'
import type { Simulator } from '../sim/simulator.js'
import { runSwept, secretInputs, withSim } from '../support/harness.js'

/** Microsoft: "exp ... at most 5-10 minutes after nbf". */
const MAX_ASSERTION_LIFETIME_S = 600

function thumbprint(pem: string, algorithm: 'sha1' | 'sha256'): string {
  return createHash(algorithm).update(new X509Certificate(pem).raw).digest('base64url')
}

/** The assertions the action sent to the token endpoint, with the endpoint each was sent to. */
function assertionsSent(sim: Simulator): Array<{ assertion: string; endpoint: string; form: Record<string, string> }> {
  return sim.requestsTo('entra').map(sent => ({
    assertion: sent.form['client_assertion'] ?? '',
    endpoint: `${sim.entraUrl}${sent.path}`,
    form: sent.form
  }))
}

describe("the action's certificate assertion, verified with jose against Microsoft's documentation", () => {
  it('has the header, claims and signature Microsoft documents, and a jti never reused', async () => {
    const certificate = await createAppCertificate()
    await withSim(async sim => {
      sim.entra.app.certificates.push(certificate.certificatePem)
      const inputs = { ...secretInputs(sim), 'client-secret': '', 'client-certificate': certificate.keyPem + certificate.certificatePem }
      for (let run = 0; run < 2; run++) {
        assert.equal((await runSwept(sim, { inputs })).exitCode, 0)
      }
      const sent = assertionsSent(sim)
      assert.equal(sent.length, 2)
      const identifiers = new Set<unknown>()
      for (const { assertion, endpoint, form } of sent) {
        assert.equal(form['client_assertion_type'], 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
        const header = decodeProtectedHeader(assertion)
        assert.ok(header.alg === 'PS256' || header.alg === 'RS256', `alg ${header.alg}`)
        assert.equal(header.typ, 'JWT')
        assert.equal(header['x5t#S256'], thumbprint(certificate.certificatePem, 'sha256'))
        if (header.x5t !== undefined) assert.equal(header.x5t, thumbprint(certificate.certificatePem, 'sha1'))
        const key = await importX509(certificate.certificatePem, header.alg)
        const { payload } = await jwtVerify(assertion, key, {
          algorithms: ['PS256', 'RS256'],
          audience: endpoint,
          issuer: sim.entra.app.clientId,
          subject: sim.entra.app.clientId,
          typ: 'JWT'
        })
        assert.equal(typeof payload.jti, 'string')
        identifiers.add(payload.jti)
        assert.ok(typeof payload.nbf === 'number' && typeof payload.exp === 'number')
        assert.ok(payload.exp - payload.nbf <= MAX_ASSERTION_LIFETIME_S, `lives ${payload.exp - payload.nbf} s`)
        assert.ok(payload.nbf <= Date.now() / 1000 + 1, 'valid from now, not later')
      }
      assert.equal(identifiers.size, 2, 'a new jti for every assertion')
    })
  })
})

/**
 * MSAL refuses an authority that is not https, so the simulator serves TLS under a test CA, and
 * MSAL's requests go through this network module, which trusts that CA (as NODE_EXTRA_CA_CERTS would).
 */
function networkTrusting(ca: string, sent: Array<{ url: string; body: string }>): INetworkModule {
  const send = (method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<never>> =>
    new Promise((resolve, reject) => {
      const body = options?.body ?? ''
      sent.push({ url, body })
      const outgoing = request(
        url,
        { method, ca, headers: { ...options?.headers, 'Content-Length': Buffer.byteLength(body) } },
        incoming => {
          const chunks: Buffer[] = []
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
          incoming.on('end', () =>
            resolve({
              status: incoming.statusCode ?? 0,
              headers: Object.fromEntries(Object.entries(incoming.headers).map(([name, value]) => [name, String(value)])),
              body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as never
            })
          )
        }
      )
      outgoing.on('error', reject)
      outgoing.end(body)
    })
  return {
    sendGetRequestAsync: (url, options) => send('GET', url, options),
    sendPostRequestAsync: (url, options) => send('POST', url, options)
  }
}

/** MSAL's client for the simulator's tenant, with the authority's metadata given offline (no discovery request). */
function msalClient(
  sim: Simulator,
  ca: string,
  sent: Array<{ url: string; body: string }>,
  credential: object
): ConfidentialClientApplication {
  const host = new URL(sim.entraUrl).host.replace('127.0.0.1', 'localhost')
  const authority = `https://${host}/${sim.tenantId}`
  return new ConfidentialClientApplication({
    auth: {
      clientId: sim.entra.app.clientId,
      authority,
      knownAuthorities: [host],
      authorityMetadata: JSON.stringify({
        token_endpoint: `${authority}/oauth2/v2.0/token`,
        authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
        issuer: `https://${host}/${sim.tenantId}/v2.0`,
        jwks_uri: `https://${host}/${sim.tenantId}/discovery/v2.0/keys`
      }),
      cloudDiscoveryMetadata: JSON.stringify({
        tenant_discovery_endpoint: `${authority}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }]
      }),
      ...credential
    },
    system: { networkClient: networkTrusting(ca, sent) }
  })
}

describe("Microsoft's own client (MSAL) against the simulator's Entra ID", () => {
  it('acquires an app token for the Defender API with a client secret, and with the certificate', async () => {
    const authority = await createCertificateAuthority()
    const tls = await issueServerCertificate(authority, ['localhost'])
    const ca = authority.certificatePem
    const certificate = await createAppCertificate()
    await withSim(
      async sim => {
        sim.entra.app.certificates.push(certificate.certificatePem)
        const scopes = ['https://api.securitycenter.microsoft.com/.default']
        const sent: Array<{ url: string; body: string }> = []
        const withSecret = await msalClient(sim, ca, sent, { clientSecret: sim.entra.app.secret }).acquireTokenByClientCredential({
          scopes
        })
        assert.ok(withSecret?.accessToken && sim.entra.issuedTokens.has(withSecret.accessToken), 'a token the Defender API accepts')
        const withCertificate = await msalClient(sim, ca, sent, {
          clientCertificate: {
            thumbprintSha256: createHash('sha256').update(new X509Certificate(certificate.certificatePem).raw).digest('hex'),
            privateKey: certificate.keyPem
          }
        }).acquireTokenByClientCredential({ scopes })
        assert.ok(withCertificate?.accessToken && sim.entra.issuedTokens.has(withCertificate.accessToken))
        assert.equal(sent.length, 2, 'no discovery request: the metadata was given offline')
        // MSAL's request is the action's plus its telemetry parameters (x-client-SKU, x-client-VER, ...,
        // client-request-id), which the action leaves out; the assertion has the same header and claims.
        const fields = new URLSearchParams(sent[1]?.body ?? '')
        assert.equal(fields.get('grant_type'), 'client_credentials')
        assert.equal(fields.get('client_assertion_type'), 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
        const header = decodeProtectedHeader(fields.get('client_assertion') ?? '')
        assert.equal(header['x5t#S256'], thumbprint(certificate.certificatePem, 'sha256'))
      },
      { tls }
    )
  })
})
