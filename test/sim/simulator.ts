/**
 * A local stand-in for the three services the action talks to, over real HTTP on 127.0.0.1:
 * Entra ID's v2.0 token endpoint, the Defender for Endpoint API, and GitHub's OIDC token endpoint.
 * It checks what it is sent as the real ones do (secrets, assertion signatures and claims, token
 * scope and roles) and records every request so tests can assert what the action did.
 */
import {
  constants,
  createHash,
  createSign,
  createVerify,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  verify,
  X509Certificate,
  type KeyObject
} from 'node:crypto'
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo } from 'node:net'

/**
 * Every secret the simulator hands out carries this mark, so a sweep finds even part of one that
 * leaked (a prefix, a line of it), not only the whole value.
 */
export const PLANTED = 'PLANTED'

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'
export const DEFAULT_AUDIENCE = 'api://AzureADTokenExchange'
export const DEFENDER_RESOURCE = 'https://api.securitycenter.microsoft.com'
const GCC_RESOURCE = 'https://api-gcc.securitycenter.microsoft.us'
const GOV_RESOURCE = 'https://api-gov.securitycenter.microsoft.us'

/** The Defender API's resource (token audience) and the sign-in host that issues tokens for it, per cloud. */
const RESOURCE_AUTHORITIES: ReadonlyMap<string, string> = new Map([
  [DEFENDER_RESOURCE, 'login.microsoftonline.com'],
  [GCC_RESOURCE, 'login.microsoftonline.com'],
  [GOV_RESOURCE, 'login.microsoftonline.us']
])

/** Which resource a Defender API host serves; loopback and commercial hosts serve the commercial one. */
function resourceOfApiHost(host: string): string {
  const name = host.replace(/:\d+$/, '')
  if (name === 'api-gcc.securitycenter.microsoft.us') return GCC_RESOURCE
  if (name === 'api-gov.securitycenter.microsoft.us') return GOV_RESOURCE
  return DEFENDER_RESOURCE
}

function isLoopback(host: string): boolean {
  return /^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host)
}

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

/** A canned answer that replaces the service's normal handling for one request. */
export interface Reply {
  status: number
  headers?: Record<string, string>
  body?: string
  /** Extra delay before this answer, on top of the simulator's latency. */
  delayMs?: number
  /** Only a request for this path takes this answer (requests may arrive in any order). */
  path?: string
  /** Misbehave at the transport level instead of answering properly. */
  fault?: TransportFault
}

/**
 * How a broken server or middlebox fails: `hang` accepts the request and never answers;
 * `stall-body` sends the headers and half the body, then nothing; `reset-mid-body` sends half the
 * body, then resets the connection; `truncate` promises the whole body (Content-Length) but closes
 * cleanly after half of it.
 */
export type TransportFault = 'hang' | 'stall-body' | 'reset-mid-body' | 'truncate'

export type ServiceName = 'entra' | 'api' | 'oidc' | 'github'

/** An issue comment as GitHub's REST API returns it. */
export interface SimComment {
  id: number
  issue: number
  body: string
  html_url: string
  user: { login: string }
}

export interface RecordedRequest {
  service: ServiceName
  method: string
  path: string
  host: string
  /** Form fields of a token request. */
  form: Record<string, string>
  /** Parsed JSON body (GitHub API writes). */
  json: unknown
  authorization: string | undefined
  receivedAt: number
  answeredAt: number
  status: number
}

export interface SimulatorOptions {
  /** Delay added to every answer from the start (see {@link Simulator.latencyMs}). */
  latencyMs?: number
  /** Serve Entra ID, the Defender API and GitHub's REST API over HTTPS with this key and certificate. */
  tls?: { keyPem: string; certificatePem: string }
}

export interface ScoreState {
  score: unknown
  time?: unknown
}

export class Simulator {
  readonly tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47'
  readonly tenantDomain = 'contoso.onmicrosoft.com'
  readonly app: SimApp = {
    clientId: '3b2e8f41-5c6d-4e7f-8a9b-0c1d2e3f4a5b',
    secret: `${PLANTED}-client-secret~${randomBytes(12).toString('base64url')}`,
    certificates: [],
    federated: [{ issuer: GITHUB_ISSUER, subject: 'repo:octo-org/octo-repo:ref:refs/heads/main', audience: DEFAULT_AUDIENCE }],
    roles: ['Score.Read.All', 'SecurityRecommendation.Read.All']
  }
  /** What the Defender API reports; tests may set any shape, valid or not. */
  score: ScoreState = { score: 340 }
  /** What GET /api/exposureScore reports. */
  exposure: ScoreState = { score: 42 }
  /** The items of GET /api/recommendations. */
  recommendations: unknown[] = [
    { id: 'sca-1', recommendationName: 'Turn on Microsoft Defender Firewall', recommendationCategory: 'Network', productName: 'windows_10', configScoreImpact: 2.5, exposedMachinesCount: 12, totalMachineCount: 40 },
    { id: 'sca-2', recommendationName: 'Enable Local Admin password management', recommendationCategory: 'Accounts', productName: 'windows_10', configScoreImpact: 7.25, exposedMachinesCount: 30, totalMachineCount: 40 },
    { id: 'sca-3', recommendationName: 'Update Google Chrome', recommendationCategory: 'Application', productName: 'chrome', configScoreImpact: 0, exposedMachinesCount: 3, totalMachineCount: 40 },
    { id: 'sca-4', recommendationName: 'Block Office applications from creating child processes', recommendationCategory: 'Security controls', productName: 'office', configScoreImpact: 4, exposedMachinesCount: 25, totalMachineCount: 40 }
  ]
  /** The token GitHub's REST API accepts (the job's github.token). */
  readonly githubToken = `ghs_${PLANTED}${randomBytes(15).toString('base64url')}`
  /** Like a fork's pull request: the token may read but every write gets 403. */
  githubReadOnly = false
  readonly comments: SimComment[] = []
  private nextCommentId = 1000
  /** Claims GitHub puts in the job's ID token (the audience comes from the request). */
  oidcClaims: Record<string, unknown> = {
    iss: GITHUB_ISSUER,
    sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
    repository: 'octo-org/octo-repo',
    ref: 'refs/heads/main'
  }
  /** Answers to give before normal handling, first in first out, per service. */
  readonly script: Record<ServiceName, Reply[]> = { entra: [], api: [], oidc: [], github: [] }
  /** Delay added to every answer. */
  latencyMs = 0
  readonly requests: RecordedRequest[] = []
  /** Every access token and ID token handed out, for leak sweeps. */
  readonly issuedSecrets: string[] = []
  /** The bearer the runner gives the action for GitHub's OIDC endpoint. */
  readonly oidcRequestToken = `${PLANTED}-runner-bearer-${randomBytes(12).toString('base64url')}`

  private readonly issuerKeys = generateKeyPairSync('rsa', { modulusLength: 2048 })
  private readonly issuedTokens = new Map<string, { clientId: string; audience: string; roles: string[] }>()
  private readonly servers: Server[] = []
  private readonly ports = new Map<ServiceName, number>()
  private readonly seenAssertionIds = new Set<string>()

  private constructor(private readonly options: SimulatorOptions) {}

  static async start(options: SimulatorOptions = {}): Promise<Simulator> {
    const simulator = new Simulator(options)
    simulator.latencyMs = options.latencyMs ?? 0
    await Promise.all((['entra', 'api', 'oidc', 'github'] as const).map(service => simulator.listen(service)))
    return simulator
  }

  get entraUrl(): string {
    return `${this.scheme}://127.0.0.1:${this.ports.get('entra')}`
  }

  get apiUrl(): string {
    return `${this.scheme}://127.0.0.1:${this.ports.get('api')}`
  }

  /** What the runner puts in GITHUB_API_URL. */
  get githubApiUrl(): string {
    return `${this.scheme}://127.0.0.1:${this.ports.get('github')}`
  }

  /** The loopback port of a service, for a proxy's route table. */
  port(service: ServiceName): number {
    return this.ports.get(service) ?? 0
  }

  private get scheme(): 'http' | 'https' {
    return this.options.tls ? 'https' : 'http'
  }

  /** What the runner puts in ACTIONS_ID_TOKEN_REQUEST_URL (core appends `&audience=`). */
  get oidcRequestUrl(): string {
    return `http://127.0.0.1:${this.ports.get('oidc')}/_apis/distributedtask/idtoken?api-version=2.0`
  }

  /** A token the Defender API accepts, as if the user had obtained it elsewhere. */
  issueAccessToken(roles: string[] = this.app.roles, audience = DEFENDER_RESOURCE): string {
    const token = `${PLANTED}-access-token.${randomBytes(24).toString('base64url')}`
    this.issuedTokens.set(token, { clientId: this.app.clientId, audience, roles })
    this.issuedSecrets.push(token)
    return token
  }

  /** Signs an ID token as GitHub's issuer would (or with another key, to fake a forgery). */
  signIdToken(claims: Record<string, unknown>, key: KeyObject = this.issuerKeys.privateKey): string {
    const now = Math.floor(Date.now() / 1000)
    const header = { alg: 'RS256', typ: 'JWT', kid: 'sim-github' }
    const payload = { jti: randomUUID(), nbf: now, iat: now, exp: now + 300, ...claims }
    const signingInput = `${encodeJson(header)}.${encodeJson(payload)}`
    const signature = createSign('RSA-SHA256').update(signingInput).sign(key).toString('base64url')
    this.issuedSecrets.push(`${signingInput}.${signature}`, signature)
    return `${signingInput}.${signature}`
  }

  requestsTo(service: ServiceName, path?: string): RecordedRequest[] {
    return this.requests.filter(request => request.service === service && (path === undefined || request.path.split('?')[0] === path))
  }

  async close(): Promise<void> {
    await Promise.all(
      this.servers.map(
        server =>
          new Promise<void>(resolve => {
            server.closeAllConnections()
            server.close(() => resolve())
          })
      )
    )
  }

  private async listen(service: ServiceName): Promise<void> {
    const listener: RequestListener = (request, response) => {
      this.handle(service, request, response).catch(error => {
        response.destroy(error instanceof Error ? error : new Error(String(error)))
      })
    }
    const { tls } = this.options
    // The runner's OIDC endpoint stays plain HTTP on loopback; the services a proxy may stand in front of get TLS.
    const server = tls && service !== 'oidc' ? createTlsServer({ key: tls.keyPem, cert: tls.certificatePem }, listener) : createServer(listener)
    this.servers.push(server)
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    this.ports.set(service, (server.address() as AddressInfo).port)
  }

  private async handle(service: ServiceName, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const receivedAt = Date.now()
    const body = await readAll(request)
    const url = new URL(request.url ?? '/', 'http://sim')
    const form = request.headers['content-type']?.startsWith('application/x-www-form-urlencoded')
      ? Object.fromEntries(new URLSearchParams(body))
      : {}
    const json = request.headers['content-type']?.startsWith('application/json') ? parseJsonBody(body) : undefined
    const queue = this.script[service]
    const index = queue.findIndex(reply => reply.path === undefined || reply.path === url.pathname)
    const scripted = index < 0 ? undefined : queue.splice(index, 1)[0]
    const reply = scripted ?? this.answer(service, request, url, form, json)
    await delay(this.latencyMs + (reply.delayMs ?? 0))
    this.requests.push({
      service,
      method: request.method ?? '',
      path: url.pathname + url.search,
      host: request.headers.host ?? '',
      form,
      json,
      authorization: request.headers.authorization,
      receivedAt,
      answeredAt: Date.now(),
      status: reply.status
    })
    const headers = { 'Content-Type': 'application/json; charset=utf-8', ...reply.headers }
    if (reply.fault) {
      misbehave(reply.fault, response, reply.status, headers, reply.body ?? '')
      return
    }
    response.writeHead(reply.status, headers)
    response.end(reply.body ?? '')
  }

  private answer(service: ServiceName, request: IncomingMessage, url: URL, form: Record<string, string>, body: unknown): Reply {
    switch (service) {
      case 'entra':
        return this.token(request, url, form)
      case 'api':
        return this.defender(request, url)
      case 'oidc':
        return this.githubIdToken(request, url)
      case 'github':
        return this.githubRest(request, url, body)
    }
  }

  // ---- GitHub's REST API: issue comments ----
  private githubRest(request: IncomingMessage, url: URL, body: unknown): Reply {
    const authorization = request.headers.authorization ?? ''
    if (authorization !== `token ${this.githubToken}` && authorization !== `Bearer ${this.githubToken}`) {
      return json(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' })
    }
    // GitHub Enterprise Server serves the same API under /api/v3.
    const path = url.pathname.replace(/^\/api\/v3(?=\/)/, '')
    const list = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(path)
    const one = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(path)
    const write = request.method === 'POST' || request.method === 'PATCH'
    if (write && this.githubReadOnly) {
      return json(403, {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
        status: '403'
      })
    }
    const text = typeof body === 'object' && body !== null && 'body' in body && typeof body.body === 'string' ? body.body : undefined
    if (list && request.method === 'GET') {
      const perPage = Number(url.searchParams.get('per_page') ?? 30)
      const page = Number(url.searchParams.get('page') ?? 1)
      const all = this.comments.filter(comment => comment.issue === Number(list[1]))
      const headers: Record<string, string> = {}
      if (page * perPage < all.length) {
        const next = new URL(url.pathname, `${this.scheme}://${request.headers.host ?? ''}`)
        next.searchParams.set('per_page', String(perPage))
        next.searchParams.set('page', String(page + 1))
        headers['Link'] = `<${next.href}>; rel="next"`
      }
      return json(200, all.slice((page - 1) * perPage, page * perPage), headers)
    }
    if (list && request.method === 'POST' && text !== undefined) {
      const id = this.nextCommentId++
      const comment = { id, issue: Number(list[1]), body: text, html_url: `https://github.com/octo-org/octo-repo/pull/${list[1]}#issuecomment-${id}`, user: { login: 'github-actions[bot]' } }
      this.comments.push(comment)
      return json(201, comment)
    }
    const existing = one ? this.comments.find(comment => comment.id === Number(one[1])) : undefined
    if (one && request.method === 'PATCH' && text !== undefined) {
      if (!existing) {
        return json(404, { message: 'Not Found', status: '404' })
      }
      existing.body = text
      return json(200, existing)
    }
    return json(404, { message: 'Not Found', status: '404' })
  }

  // ---- GitHub's OIDC token endpoint ----
  private githubIdToken(request: IncomingMessage, url: URL): Reply {
    if (request.method !== 'GET' || request.headers.authorization !== `Bearer ${this.oidcRequestToken}`) {
      return json(401, { message: 'Unauthorized' })
    }
    const audience = url.searchParams.get('audience') ?? GITHUB_ISSUER
    return json(200, { value: this.signIdToken({ ...this.oidcClaims, aud: audience }) })
  }

  // ---- Entra ID v2.0 token endpoint ----
  private token(request: IncomingMessage, url: URL, form: Record<string, string>): Reply {
    const host = request.headers.host ?? ''
    const match = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname)
    if (request.method !== 'POST' || !match) {
      return json(404, { error: 'not_found' })
    }
    const tenant = decodeURIComponent(match[1] ?? '')
    if (tenant !== this.tenantId && tenant.toLowerCase() !== this.tenantDomain) {
      return aadError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`)
    }
    if ('resource' in form) {
      return aadError(400, 'invalid_request', 901002, "The 'resource' request parameter is not supported.")
    }
    if (form['grant_type'] !== 'client_credentials') {
      return aadError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.')
    }
    const app = form['client_id'] === this.app.clientId ? this.app : undefined
    if (!app) {
      return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${form['client_id']}' was not found in the directory '${tenant}'.`)
    }
    const scope = form['scope'] ?? ''
    if (!scope.endsWith('/.default')) {
      return aadError(400, 'invalid_scope', 70011, `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`)
    }
    const audience = scope.slice(0, -'/.default'.length)
    const authority = RESOURCE_AUTHORITIES.get(audience)
    if (!authority || (!isLoopback(host) && authority !== host.replace(/:\d+$/, ''))) {
      return aadError(400, 'invalid_resource', 500011, `The resource principal named ${audience} was not found in the tenant named ${tenant}.`)
    }
    const tokenEndpoint = `${this.scheme}://${host}${url.pathname}`
    const credentialError = this.checkCredential(app, form, tokenEndpoint)
    if (credentialError) {
      return credentialError
    }
    const accessToken = this.issueAccessToken(app.roles, audience)
    return json(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken })
  }

  private checkCredential(app: SimApp, form: Record<string, string>, tokenEndpoint: string): Reply | undefined {
    if (form['client_secret'] !== undefined) {
      return form['client_secret'] === app.secret
        ? undefined
        : aadError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.')
    }
    const assertion = form['client_assertion']
    if (assertion === undefined || form['client_assertion_type'] !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
      return aadError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
    }
    const claims = decodeJwtPart(assertion, 1)
    if (claims && claims['iss'] === app.clientId) {
      return this.checkCertificateAssertion(app, assertion, tokenEndpoint)
    }
    const verified = verifyJwt(assertion, this.issuerKeys.publicKey)
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
        credential.issuer === presented.issuer &&
        credential.subject === presented.subject &&
        credential.audience === presented.audience
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
  private checkCertificateAssertion(app: SimApp, assertion: string, tokenEndpoint: string): Reply | undefined {
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
      return aadError(401, 'invalid_client', 700027, `Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '${String(thumbprint)}']`)
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
      return aadError(400, 'invalid_client', 50027, `JWT token is invalid or malformed: expected aud '${tokenEndpoint}', sub and iss the client id, and a jti.`)
    }
    if (this.seenAssertionIds.has(jti)) {
      return aadError(400, 'invalid_client', 700025, 'Client assertion jti has already been used (replay).')
    }
    this.seenAssertionIds.add(jti)
    if (new Date(certificate.validTo).getTime() < Date.now()) {
      return aadError(401, 'invalid_client', 700027, 'Client assertion failed: the certificate has expired.')
    }
    return undefined
  }

  // ---- Defender for Endpoint API ----
  private defender(request: IncomingMessage, url: URL): Reply {
    const requestId = randomUUID()
    const authorization = request.headers.authorization ?? ''
    const grant = authorization.startsWith('Bearer ') ? this.issuedTokens.get(authorization.slice(7)) : undefined
    if (!grant || grant.audience !== resourceOfApiHost(request.headers.host ?? '')) {
      return json(401, { error: { code: 'Unauthorized', message: 'Authorization has been denied for this request.', target: requestId } })
    }
    const endpoints: Record<string, { role: string; body: () => unknown }> = {
      '/api/configurationScore': {
        role: 'Score.Read.All',
        body: () => ({ '@odata.context': `${url.origin}/api/$metadata#ConfigurationScore/$entity`, time: apiTime(), ...this.score })
      },
      '/api/exposureScore': {
        role: 'Score.Read.All',
        body: () => ({ '@odata.context': `${url.origin}/api/$metadata#ExposureScore/$entity`, time: apiTime(), ...this.exposure })
      },
      '/api/recommendations': {
        role: 'SecurityRecommendation.Read.All',
        body: () => ({ '@odata.context': `${url.origin}/api/$metadata#Recommendations`, value: this.recommendations })
      }
    }
    const endpoint = endpoints[url.pathname]
    if (request.method !== 'GET' || !endpoint) {
      return json(404, { error: { code: 'NotFound', message: `No endpoint ${url.pathname}.`, target: requestId } })
    }
    if (!grant.roles.includes(endpoint.role)) {
      return json(403, {
        error: {
          code: 'Forbidden',
          message: `The application does not have any of the required application permissions (${endpoint.role}) to access the resource. Application roles: ${grant.roles.join(',') || 'none'}.`,
          target: requestId
        }
      })
    }
    return json(200, endpoint.body())
  }
}

/** Fails the way `fault` says; close() ends whatever is left hanging. */
function misbehave(fault: TransportFault, response: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  if (fault === 'hang') {
    return
  }
  const half = body.slice(0, Math.ceil(body.length / 2))
  response.writeHead(status, { ...headers, 'Content-Length': String(Buffer.byteLength(body)) })
  response.write(half)
  if (fault === 'reset-mid-body') {
    // Let the half body reach the client before the reset.
    setTimeout(() => response.socket?.resetAndDestroy(), 50).unref()
  } else if (fault === 'truncate') {
    setTimeout(() => response.socket?.end(), 50).unref()
  }
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

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(value) }
}

/** The API's `time`: ISO 8601 with seven fractional digits, as Microsoft's examples show. */
function apiTime(): string {
  return new Date().toISOString().replace('Z', '0000Z')
}

function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

function decodeJwtPart(token: string, index: 0 | 1): Record<string, unknown> | undefined {
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

function encodeJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

function readAll(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    request.on('error', reject)
  })
}

/** Unref'd: a reply still waiting must not keep a finished test process alive after close(). */
function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise(resolve => setTimeout(resolve, ms).unref()) : Promise.resolve()
}
