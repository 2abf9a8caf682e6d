/**
 * A local stand-in for the services the action talks to, over real HTTP on 127.0.0.1: Entra ID
 * (./entra.ts), the Defender for Endpoint API (./defender.ts), GitHub's OIDC token endpoint
 * (./github-oidc.ts) and GitHub's REST API (./github-rest.ts). This file holds their shared state
 * (the tenant, its app, what each service reports) and the transport: one server per service,
 * scripted answers and faults, and a record of every request so tests can assert what the action did.
 */
import { createSign, generateKeyPairSync, randomBytes, randomUUID, type KeyObject, type KeyPairKeyObjectResult } from 'node:crypto'
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { answerDefender } from './defender.js'
import { answerToken, DEFENDER_RESOURCE } from './entra.js'
import { answerIdToken } from './github-oidc.js'
import { answerGitHubRest, type SimIssue } from './github-rest.js'
import { json, misbehave, type Reply, type TransportFault } from './reply.js'

export { json, type Reply, type TransportFault }
export { aadError, DEFENDER_RESOURCE } from './entra.js'

/**
 * Every secret the simulator hands out carries this mark, so a sweep finds even part of one that
 * leaked (a prefix, a line of it), not only the whole value.
 */
export const PLANTED = 'PLANTED'

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'
export const DEFAULT_AUDIENCE = 'api://AzureADTokenExchange'
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
  /** The answer's body, as sent. */
  answer: string
  /** Whether a test scripted the answer (a fault or a hostile answer), rather than the simulator's own handling. */
  scripted: boolean
}

export interface SimulatorOptions {
  /** Delay added to every answer from the start (see {@link Simulator.latencyMs}). */
  latencyMs?: number
  /** Serve Entra ID, the Defender API and GitHub's REST API over HTTPS with this key and certificate. */
  tls?: { keyPem: string; certificatePem: string }
}

/**
 * A tenant-wide limit on the Defender API, as Microsoft's throttling works: `limit` calls per fixed
 * window of `windowMs`, then 429 TooManyRequests until the window ends, with or without a
 * Retry-After header (Microsoft does not promise one).
 */
export interface Throttle {
  limit: number
  windowMs: number
  retryAfter: boolean
}

/**
 * A customer tenant of a multi-tenant app (the partner pattern): its own score and extras, and
 * whether its administrator consented to the app (without, Entra answers AADSTS700016, as for an app
 * it does not know), with which permissions.
 */
export interface SimTenant {
  id: string
  domain: string
  consented: boolean
  roles: string[]
  score: ScoreState
  exposure: ScoreState
  deviceGroups: unknown[]
  recommendations: unknown[]
  /** The items of GET /api/vulnerabilities, every severity (the endpoint filters and pages them). */
  vulnerabilities: unknown[]
  /** The items of GET /api/machines (the endpoint filters and pages them). */
  machines: unknown[]
}

/** What the Defender API reports for a tenant: the primary tenant's fields on the simulator, or a customer tenant's. */
export type TenantData = Pick<SimTenant, 'score' | 'exposure' | 'deviceGroups' | 'recommendations' | 'vulnerabilities' | 'machines'>

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
    roles: ['Score.Read.All', 'SecurityRecommendation.Read.All', 'Vulnerability.Read.All', 'Machine.Read.All']
  }
  /** What the Defender API reports; tests may set any shape, valid or not. */
  score: ScoreState = { score: 340 }
  /** What GET /api/exposureScore reports. */
  exposure: ScoreState = { score: 42 }
  /** The items of GET /api/exposureScore/ByMachineGroups. */
  deviceGroups: unknown[] = [
    { score: 41.38041766305988, rbacGroupName: 'GroupOne' },
    { score: 72.5, rbacGroupName: 'Kiosks' },
    { score: 12, rbacGroupName: 'Servers' }
  ]
  /** The items of GET /api/recommendations. */
  recommendations: unknown[] = [
    {
      id: 'sca-1',
      recommendationName: 'Turn on Microsoft Defender Firewall',
      recommendationCategory: 'Network',
      productName: 'windows_10',
      configScoreImpact: 2.5,
      exposedMachinesCount: 12,
      totalMachineCount: 40
    },
    {
      id: 'sca-2',
      recommendationName: 'Enable Local Admin password management',
      recommendationCategory: 'Accounts',
      productName: 'windows_10',
      configScoreImpact: 7.25,
      exposedMachinesCount: 30,
      totalMachineCount: 40
    },
    {
      id: 'sca-3',
      recommendationName: 'Update Google Chrome',
      recommendationCategory: 'Application',
      productName: 'chrome',
      configScoreImpact: 0,
      exposedMachinesCount: 3,
      totalMachineCount: 40
    },
    {
      id: 'sca-4',
      recommendationName: 'Block Office applications from creating child processes',
      recommendationCategory: 'Security controls',
      productName: 'office',
      configScoreImpact: 4,
      exposedMachinesCount: 25,
      totalMachineCount: 40
    },
    {
      id: 'sca-5',
      recommendationName: 'Disable SMBv1 on the legacy scanner',
      recommendationCategory: 'Network',
      productName: 'windows_10',
      configScoreImpact: 9,
      exposedMachinesCount: 1,
      totalMachineCount: 40,
      status: 'Exception'
    }
  ]
  /** The items of GET /api/vulnerabilities: Microsoft's example item, and exploitable ones of every kind. */
  vulnerabilities: unknown[] = sampleVulnerabilities()
  /** The items of GET /api/machines: a small fleet, one of them stale and one that can be onboarded. */
  machines: unknown[] = sampleMachines()
  /** When set, the API pages devices at this size whatever $top asks, with an @odata.nextLink on its own origin. */
  machinesServerPageSize: number | undefined
  /** When set, vulnerability pages carry an @odata.nextLink on this origin instead of leaving $skip to the client. */
  vulnerabilityNextLinkOrigin: string | undefined
  /** When set, the API pages vulnerabilities at this size whatever $top asks, with an @odata.nextLink on its own origin. */
  vulnerabilityServerPageSize: number | undefined
  /** Entra issues tokens asked for one tenant (key) in the name of another (value): a misrouted authority, on request. */
  readonly misissuedTenants = new Map<string, string>()
  /** The token GitHub's REST API accepts (the job's github.token). */
  readonly githubToken = `ghs_${PLANTED}${randomBytes(15).toString('base64url')}`
  /** Like a fork's pull request: the token may read but every write gets 403. */
  githubReadOnly = false
  /** The identity each GitHub token acts as; tests add others (a maintainer, an outsider). */
  readonly githubIdentities = new Map<string, string>([[this.githubToken, 'github-actions[bot]']])
  /** Issues of the repository (issue-on-failure). */
  readonly issues: SimIssue[] = []
  /** Labels of the repository, in lower case (names compare case-insensitively). */
  readonly labels = new Set<string>()
  nextIssueNumber = 1
  /** Files on the repository's branches: branch -> path -> content (history-branch). */
  readonly branches = new Map<string, Map<string, Buffer>>([['main', new Map()]])
  /** The commits written to branches, for tests to count. */
  readonly historyCommits: Array<{ branch: string; message: string }> = []
  /** Files larger than this come from the contents API without content, as GitHub's over 1 MB do. */
  contentsInlineLimit = 1024 * 1024
  readonly blobs = new Map<string, Buffer>()
  readonly pendingTrees = new Map<string, Map<string, Buffer>>()
  readonly pendingCommits = new Map<string, { tree: string; message: string }>()
  /** Where Link headers send the next page; another origin, to check the token does not follow. */
  githubNextPageOrigin: string | undefined
  readonly comments: SimComment[] = []
  nextCommentId = 1000
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
  /** Delay added to every answer of one service, on top of {@link latencyMs}. */
  readonly serviceLatencyMs: Partial<Record<ServiceName, number>> = {}
  /** Throttles the Defender API when set (the benchmark's burst of runs). */
  throttle: Throttle | undefined
  private throttleWindow = { startedAt: 0, calls: 0 }
  readonly requests: RecordedRequest[] = []
  /** Every access token and ID token handed out, for leak sweeps. */
  readonly issuedSecrets: string[] = []
  /** The bearer the runner gives the action for GitHub's OIDC endpoint. */
  readonly oidcRequestToken = `${PLANTED}-runner-bearer-${randomBytes(12).toString('base64url')}`

  /** GitHub's OIDC signing key: one per test process, as an RSA key costs about 100 ms of CPU to make and the suite starts hundreds of simulators. */
  readonly issuerKeys = issuerKeyPair()
  readonly issuedTokens = new Map<string, { clientId: string; audience: string; roles: string[]; tenant: string }>()
  /** Customer tenants besides the primary one, by ID. */
  readonly customerTenants = new Map<string, SimTenant>()
  private readonly servers: Server[] = []
  private readonly ports = new Map<ServiceName, number>()
  readonly seenAssertionIds = new Set<string>()

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

  get scheme(): 'http' | 'https' {
    return this.options.tls ? 'https' : 'http'
  }

  /** What the runner puts in ACTIONS_ID_TOKEN_REQUEST_URL (core appends `&audience=`). */
  get oidcRequestUrl(): string {
    return `http://127.0.0.1:${this.ports.get('oidc')}/_apis/distributedtask/idtoken?api-version=2.0`
  }

  /** A token the Defender API accepts, as if the user had obtained it elsewhere. */
  issueAccessToken(roles: string[] = this.app.roles, audience = DEFENDER_RESOURCE, tenant: string = this.tenantId): string {
    // Three parts like Entra's tokens, so that the action can read `tid` from the claims; the first carries the plant.
    const claims = encodeJson({ aud: audience, tid: tenant, roles, appid: this.app.clientId })
    const token = `${PLANTED}-token.${claims}.${randomBytes(24).toString('base64url')}`
    this.issuedTokens.set(token, { clientId: this.app.clientId, audience, roles, tenant })
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

  /** Adds a customer tenant that consented to the app with its permissions, reporting `score`. */
  addTenant(id: string, domain: string, score: number, changes: Partial<SimTenant> = {}): SimTenant {
    const tenant: SimTenant = {
      id,
      domain,
      consented: true,
      roles: [...this.app.roles],
      score: { score },
      exposure: { score: 30 },
      deviceGroups: [],
      recommendations: [],
      vulnerabilities: [],
      machines: [],
      ...changes
    }
    this.customerTenants.set(id, tenant)
    return tenant
  }

  /** The tenant an ID or a verified domain names; undefined when the simulator has none. */
  tenantNamed(name: string): { id: string; consented: boolean; roles: string[] } | undefined {
    const lower = name.toLowerCase()
    if (lower === this.tenantId || lower === this.tenantDomain) {
      return { id: this.tenantId, consented: true, roles: this.app.roles }
    }
    return [...this.customerTenants.values()].find(tenant => tenant.id === lower || tenant.domain === lower)
  }

  /** What the Defender API reports for the tenant a token was issued in. */
  tenantData(id: string): TenantData | undefined {
    return id === this.tenantId ? this : this.customerTenants.get(id)
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
    const server =
      tls && service !== 'oidc' ? createTlsServer({ key: tls.keyPem, cert: tls.certificatePem }, listener) : createServer(listener)
    // Idle connections are kept a minute, as the services' front doors keep them: Node's default of 5 s
    // closes a kept-alive socket while the action works on a 16 MiB history between two requests, and
    // the next request on it then fails (EPIPE) on a busy machine.
    server.keepAliveTimeout = 60_000
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
    const index = queue.findIndex(
      reply =>
        (reply.path === undefined ||
          reply.path === url.pathname ||
          (reply.path.endsWith('*') && url.pathname.startsWith(reply.path.slice(0, -1)))) &&
        (reply.method === undefined || reply.method === request.method)
    )
    const scripted = index < 0 ? undefined : queue.splice(index, 1)[0]
    scripted?.meanwhile?.()
    if (scripted?.afterHandling) {
      this.answer(service, request, url, form, json)
    }
    const reply = scripted ?? (service === 'api' ? this.throttled(receivedAt) : undefined) ?? this.answer(service, request, url, form, json)
    await delay(this.latencyMs + (this.serviceLatencyMs[service] ?? 0) + (reply.delayMs ?? 0))
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
      status: reply.status,
      answer: reply.body ?? '',
      scripted: scripted !== undefined
    })
    const headers = { 'Content-Type': 'application/json; charset=utf-8', ...reply.headers }
    if (reply.fault) {
      misbehave(reply.fault, response, reply.status, headers, reply.body ?? '')
      return
    }
    response.writeHead(reply.status, headers)
    response.end(reply.body ?? '')
  }

  /** A 429 when the throttle's window is spent; undefined lets the request through. */
  private throttled(now: number): Reply | undefined {
    const { throttle } = this
    if (!throttle) {
      return undefined
    }
    if (now - this.throttleWindow.startedAt >= throttle.windowMs) {
      this.throttleWindow = { startedAt: now, calls: 0 }
    }
    if (++this.throttleWindow.calls <= throttle.limit) {
      return undefined
    }
    const seconds = Math.ceil((this.throttleWindow.startedAt + throttle.windowMs - now) / 1000)
    const body = {
      error: { code: 'TooManyRequests', message: `Rate limit is exceeded. Try again in ${seconds} seconds.`, target: randomUUID() }
    }
    return json(429, body, throttle.retryAfter ? { 'Retry-After': String(seconds) } : {})
  }

  private answer(service: ServiceName, request: IncomingMessage, url: URL, form: Record<string, string>, body: unknown): Reply {
    switch (service) {
      case 'entra':
        return answerToken(this, request, url, form)
      case 'api':
        return answerDefender(this, request, url)
      case 'oidc':
        return answerIdToken(this, request, url)
      case 'github':
        return answerGitHubRest(this, request, url, body)
    }
  }
}

function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
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

let sharedIssuerKeys: KeyPairKeyObjectResult | undefined

function issuerKeyPair(): KeyPairKeyObjectResult {
  sharedIssuerKeys ??= generateKeyPairSync('rsa', { modulusLength: 2048 })
  return sharedIssuerKeys
}

/** Unref'd: a reply still waiting must not keep a finished test process alive after close(). */
function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise(resolve => setTimeout(resolve, ms).unref()) : Promise.resolve()
}

/** A vulnerability item with every documented field; `changes` override them. */
export function vulnerabilityItem(id: string, changes: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    name: id,
    description: `A remote code execution vulnerability (${id}).`,
    severity: 'Critical',
    cvssV3: 9.8,
    cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    exposedMachines: 5,
    publishedOn: '2024-06-11T00:00:00Z',
    updatedOn: '2024-07-01T00:00:00Z',
    publicExploit: true,
    exploitVerified: false,
    exploitInKit: false,
    exploitTypes: ['RemoteCodeExecution'],
    exploitUris: [],
    CveSupportability: 'Supported',
    epss: 0.5,
    status: 'RemediationRequired',
    firstDetected: daysAgo(10),
    ...changes
  }
}

/** Midnight UTC `days` days before today, as Microsoft writes times. */
export function daysAgo(days: number): string {
  const day = new Date(Date.now() - days * 24 * 60 * 60 * 1000)
  return `${day.toISOString().slice(0, 10)}T00:00:00Z`
}

function sampleVulnerabilities(): unknown[] {
  return [
    // Microsoft's example item (get-all-vulnerabilities): medium, no exploit, not exploitable.
    vulnerabilityItem('CVE-2019-0608', { severity: 'Medium', cvssV3: 4.3, exposedMachines: 4, publicExploit: false, epss: undefined }),
    vulnerabilityItem('CVE-2024-30080', { epss: 0.92, exploitVerified: true, exposedMachines: 12 }),
    vulnerabilityItem('CVE-2024-21413', { epss: 0.95, exposedMachines: 30 }),
    vulnerabilityItem('CVE-2023-36884', { severity: 'High', cvssV3: 8.8, epss: 0.81, exploitInKit: true, exposedMachines: 7 }),
    vulnerabilityItem('CVE-2024-38063', { epss: 0.08, exposedMachines: 40 }),
    // Critical with an exploit but on no device: not exploitable here.
    vulnerabilityItem('CVE-2022-30190', { exposedMachines: 0, exploitInKit: true })
  ]
}

/** A device with the fields of Microsoft's example answer and its onboarding status; `changes` override them. */
export function machineItem(id: string, changes: Record<string, unknown> = {}): Record<string, unknown> {
  const recently = new Date(Date.now() - 60 * 60 * 1000).toISOString()
  return {
    id,
    computerDnsName: `${id}.contoso.com`,
    firstSeen: '2025-01-06T09:00:00.0000000Z',
    lastSeen: recently,
    osPlatform: 'Windows11',
    version: '24H2',
    osProcessor: 'x64',
    lastIpAddress: '10.0.0.4',
    lastExternalIpAddress: '203.0.113.7',
    osBuild: 26100,
    healthStatus: 'Active',
    onboardingStatus: 'Onboarded',
    rbacGroupId: 140,
    rbacGroupName: 'Workstations',
    riskScore: 'Low',
    exposureLevel: 'Medium',
    isAadJoined: true,
    aadDeviceId: '80fe8ff8-2624-418e-9591-41f0491218f9',
    machineTags: ['finance'],
    ...changes
  }
}

function sampleMachines(): unknown[] {
  const longAgo = new Date(Date.now() - 40 * 24 * 60 * 60 * 1000).toISOString()
  return [
    machineItem('laptop-001'),
    machineItem('laptop-002'),
    machineItem('server-001', { osPlatform: 'WindowsServer2022', rbacGroupName: 'Servers' }),
    machineItem('kiosk-007', { healthStatus: 'Inactive', lastSeen: longAgo, rbacGroupName: 'Kiosks' }),
    machineItem('printer-03', { onboardingStatus: 'CanBeOnboarded', healthStatus: 'Unknown', osPlatform: 'Linux' })
  ]
}
