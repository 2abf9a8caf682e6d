/**
 * Entra ID's v2.0 token endpoint: checks client secrets, certificate assertions (signature,
 * thumbprint, claims, replay) and federated credentials as Entra does, and answers in its error shape.
 */
import { constants, createHash, createVerify, randomBytes, randomUUID, verify, X509Certificate, type KeyObject } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { json, type Reply } from './reply.js'
import { DEFAULT_AUDIENCE, GITHUB_ISSUER, PLANTED } from './names.js'
import type { Simulator } from './simulator.js'

export interface FederatedCredential {
  issuer: string
  subject: string
  audience: string
}

/** An app registration in the simulated tenant. */
export interface SimApp {
  clientId: string
  secret?: string
  /** Public certificates uploaded to the app (PEM). */
  certificates: string[]
  federated: FederatedCredential[]
  /** Application permissions granted with admin consent, e.g. Score.Read.All. */
  roles: string[]
}

/**
 * A customer tenant of a multi-tenant app (the partner pattern), as Entra knows it: whether its
 * administrator consented to the app (without, Entra answers AADSTS700016, as for an app it does not
 * know), with which permissions.
 */
export interface DirectoryTenant {
  id: string
  domain: string
  consented: boolean
  roles: string[]
}

/** What Entra ID holds: the app, the customer tenants, the tokens it issued and the assertions it saw. */
export class EntraState {
  readonly app: SimApp = {
    clientId: '3b2e8f41-5c6d-4e7f-8a9b-0c1d2e3f4a5b',
    secret: `${PLANTED}-client-secret~${randomBytes(12).toString('base64url')}`,
    certificates: [],
    federated: [{ issuer: GITHUB_ISSUER, subject: 'repo:octo-org/octo-repo:ref:refs/heads/main', audience: DEFAULT_AUDIENCE }],
    roles: ['Score.Read.All', 'SecurityRecommendation.Read.All', 'Vulnerability.Read.All', 'Machine.Read.All']
  }
  /** Customer tenants besides the primary one, by ID. */
  readonly tenants = new Map<string, DirectoryTenant>()
  readonly issuedTokens = new Map<string, { clientId: string; audience: string; roles: string[]; tenant: string }>()
  readonly seenAssertionIds = new Set<string>()
  /** Tokens asked for one tenant (key) issued in the name of another (value): a misrouted authority, on request. */
  readonly misissuedTenants = new Map<string, string>()
}

export const DEFENDER_RESOURCE = 'https://api.securitycenter.microsoft.com'
export const GCC_RESOURCE = 'https://api-gcc.securitycenter.microsoft.us'
export const GOV_RESOURCE = 'https://api-gov.securitycenter.microsoft.us'

/** The Defender API's resource (token audience) and the sign-in host that issues tokens for it, per cloud. */
const RESOURCE_AUTHORITIES: ReadonlyMap<string, string> = new Map([
  [DEFENDER_RESOURCE, 'login.microsoftonline.com'],
  [GCC_RESOURCE, 'login.microsoftonline.com'],
  [GOV_RESOURCE, 'login.microsoftonline.us']
])

function isLoopback(host: string): boolean {
  return /^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host)
}

export function answerToken(sim: Simulator, request: IncomingMessage, url: URL, form: Record<string, string>): Reply {
  const host = request.headers.host ?? ''
  const match = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname)
  if (request.method !== 'POST' || !match) {
    return json(404, { error: 'not_found' })
  }
  const tenant = decodeURIComponent(match[1] ?? '')
  const directory = sim.tenantNamed(tenant)
  if (!directory) {
    return aadError(
      400,
      'invalid_request',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`
    )
  }
  if ('resource' in form) {
    return aadError(400, 'invalid_request', 901002, "The 'resource' request parameter is not supported.")
  }
  if (form['grant_type'] !== 'client_credentials') {
    return aadError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.')
  }
  // Without admin consent in a customer tenant, the app has no service principal there: Entra does not know it.
  const app = form['client_id'] === sim.entra.app.clientId && directory.consented ? sim.entra.app : undefined
  if (!app) {
    return aadError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${form['client_id']}' was not found in the directory '${tenant}'.`
    )
  }
  const scope = form['scope'] ?? ''
  if (!scope.endsWith('/.default')) {
    return aadError(
      400,
      'invalid_scope',
      70011,
      `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`
    )
  }
  const audience = scope.slice(0, -'/.default'.length)
  const authority = RESOURCE_AUTHORITIES.get(audience)
  if (!authority || (!isLoopback(host) && authority !== host.replace(/:\d+$/, ''))) {
    return aadError(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${audience} was not found in the tenant named ${tenant}.`
    )
  }
  const tokenEndpoint = `${sim.scheme}://${host}${url.pathname}`
  const credentialError = checkCredential(sim, app, form, tokenEndpoint)
  if (credentialError) {
    return credentialError
  }
  const accessToken = sim.issueAccessToken(directory.roles, audience, sim.entra.misissuedTenants.get(directory.id) ?? directory.id)
  return json(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken })
}

export function checkCredential(sim: Simulator, app: SimApp, form: Record<string, string>, tokenEndpoint: string): Reply | undefined {
  if (form['client_secret'] !== undefined) {
    return form['client_secret'] === app.secret
      ? undefined
      : aadError(
          401,
          'invalid_client',
          7000215,
          'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.'
        )
  }
  const assertion = form['client_assertion']
  if (assertion === undefined || form['client_assertion_type'] !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
    return aadError(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."
    )
  }
  const claims = decodeJwtPart(assertion, 1)
  if (claims && claims['iss'] === app.clientId) {
    return checkCertificateAssertion(sim, app, assertion, tokenEndpoint)
  }
  const verified = verifyJwt(assertion, sim.oidc.keys.publicKey)
  if (verified === 'malformed') {
    return aadError(400, 'invalid_client', 50027, 'JWT token is invalid or malformed.')
  }
  if (verified === 'bad-signature') {
    return aadError(401, 'invalid_client', 700027, 'Client assertion failed signature validation.')
  }
  const now = Date.now() / 1000
  if (typeof verified['exp'] !== 'number' || verified['exp'] < now) {
    return aadError(400, 'invalid_client', 700024, 'Client assertion is not within its valid time range.')
  }
  const presented = { issuer: String(verified['iss']), subject: String(verified['sub']), audience: String(verified['aud']) }
  const matches = app.federated.some(
    credential =>
      credential.issuer === presented.issuer && credential.subject === presented.subject && credential.audience === presented.audience
  )
  if (!matches) {
    return aadError(
      400,
      'invalid_client',
      70021,
      `No matching federated identity record found for presented assertion. Assertion Issuer: '${presented.issuer}'. ` +
        `Assertion Subject: '${presented.subject}'. Assertion Audience: '${presented.audience}'. ` +
        'https://learn.microsoft.com/entra/workload-id/workload-identity-federation'
    )
  }
  return undefined
}

/** An assertion the app signed with its certificate: checked as Entra does. */
export function checkCertificateAssertion(sim: Simulator, app: SimApp, assertion: string, tokenEndpoint: string): Reply | undefined {
  const [headerPart = '', payloadPart = '', signaturePart = ''] = assertion.split('.')
  const header = decodeJwtPart(assertion, 0)
  const claims = decodeJwtPart(assertion, 1)
  if (!header || !claims || !signaturePart) {
    return aadError(400, 'invalid_client', 50027, 'JWT token is invalid or malformed.')
  }
  const thumbprint = header['x5t#S256']
  const certificate = app.certificates
    .map(pem => new X509Certificate(pem))
    .find(candidate => createHash('sha256').update(candidate.raw).digest('base64url') === thumbprint)
  if (!certificate) {
    return aadError(
      401,
      'invalid_client',
      700027,
      `Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '${String(thumbprint)}']`
    )
  }
  const padding =
    header['alg'] === 'PS256'
      ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
      : header['alg'] === 'RS256'
        ? { padding: constants.RSA_PKCS1_PADDING }
        : undefined
  const signed = Buffer.from(`${headerPart}.${payloadPart}`)
  if (!padding || !verify('sha256', signed, { key: certificate.publicKey, ...padding }, Buffer.from(signaturePart, 'base64url'))) {
    return aadError(401, 'invalid_client', 700027, 'Client assertion failed signature validation.')
  }
  const now = Date.now() / 1000
  const { exp, nbf, jti } = claims
  if (typeof exp !== 'number' || typeof nbf !== 'number' || exp < now || nbf > now + 300 || exp - nbf > 600) {
    return aadError(400, 'invalid_client', 700024, 'Client assertion is not within its valid time range.')
  }
  if (claims['aud'] !== tokenEndpoint || claims['sub'] !== app.clientId || typeof jti !== 'string') {
    return aadError(
      400,
      'invalid_client',
      50027,
      `JWT token is invalid or malformed: expected aud '${tokenEndpoint}', sub and iss the client id, and a jti.`
    )
  }
  if (sim.entra.seenAssertionIds.has(jti)) {
    return aadError(400, 'invalid_client', 700025, 'Client assertion jti has already been used (replay).')
  }
  sim.entra.seenAssertionIds.add(jti)
  if (new Date(certificate.validTo).getTime() < Date.now()) {
    return aadError(401, 'invalid_client', 700027, 'Client assertion failed: the certificate has expired.')
  }
  return undefined
}

/** An Entra OAuth error body, in the documented shape. */
export function aadError(status: number, error: string, code: number, text: string): Reply {
  const traceId = randomUUID()
  const correlationId = randomUUID()
  return json(status, {
    error,
    error_description: `AADSTS${code}: ${text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${new Date().toISOString()}`,
    error_codes: [code],
    timestamp: new Date().toISOString(),
    trace_id: traceId,
    correlation_id: correlationId
  })
}

export function decodeJwtPart(token: string, index: 0 | 1): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(token.split('.')[index] ?? '', 'base64url').toString('utf8'))
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

function verifyJwt(token: string, key: KeyObject): Record<string, unknown> | 'malformed' | 'bad-signature' {
  const [header, payload, signature] = token.split('.')
  if (!header || !payload || !signature) {
    return 'malformed'
  }
  let claims: unknown
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
  } catch {
    return 'malformed'
  }
  if (typeof claims !== 'object' || claims === null) {
    return 'malformed'
  }
  const valid = createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(key, Buffer.from(signature, 'base64url'))
  return valid ? (claims as Record<string, unknown>) : 'bad-signature'
}
