/**
 * A local stand-in for the services the action talks to, over real HTTP on 127.0.0.1: Entra ID
 * (./entra.ts), the Defender for Endpoint API (./defender.ts), GitHub's OIDC token endpoint
 * (./github-oidc.ts) and GitHub's REST API (./github-rest.ts). This file holds their shared state
 * (the tenant, its app, what each service reports) and the transport: one server per service,
 * scripted answers and faults, and a record of every request so tests can assert what the action did.
 */
import { createSign, randomBytes, randomUUID, type KeyObject } from 'node:crypto'
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { answerDefender, DefenderState, type TenantData } from './defender.js'
import { answerToken, DEFENDER_RESOURCE, EntraState, type DirectoryTenant } from './entra.js'
import { answerIdToken, OidcState } from './github-oidc.js'
import { answerGitHubRest, GitHubState } from './github-rest.js'
import { json, misbehave, type Reply, type TransportFault } from './reply.js'

export { json, type Reply, type TransportFault }
export { aadError, DEFENDER_RESOURCE } from './entra.js'

import { PLANTED } from './names.js'
export { DEFAULT_AUDIENCE, GITHUB_ISSUER, PLANTED } from './names.js'
export type { DirectoryTenant, FederatedCredential, SimApp } from './entra.js'
export type { SimComment, SimIssue } from './github-rest.js'
export { daysAgo, machineItem, vulnerabilityItem, type ScoreState, type TenantData, type Throttle } from './defender.js'

export type ServiceName = 'entra' | 'api' | 'oidc' | 'github'

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

/** A customer tenant as a test adds it: what Entra knows of it, and what the Defender API answers for it. */
export type SimTenant = DirectoryTenant & TenantData

export class Simulator {
  readonly tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47'
  readonly tenantDomain = 'contoso.onmicrosoft.com'
  /** Each service's own state: Entra ID, the Defender API, GitHub's REST API, GitHub's OIDC issuer. */
  readonly entra = new EntraState()
  readonly defender = new DefenderState()
  readonly github = new GitHubState()
  readonly oidc = new OidcState()
  /** Answers to give before normal handling, first in first out, per service. */
  readonly script: Record<ServiceName, Reply[]> = { entra: [], api: [], oidc: [], github: [] }
  /** Delay added to every answer. */
  latencyMs = 0
  /** Delay added to every answer of one service, on top of {@link latencyMs}. */
  readonly serviceLatencyMs: Partial<Record<ServiceName, number>> = {}
  readonly requests: RecordedRequest[] = []
  /** Every access token and ID token handed out, for leak sweeps. */
  readonly issuedSecrets: string[] = []
  private readonly servers: Server[] = []
  private readonly ports = new Map<ServiceName, number>()

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
  issueAccessToken(roles: string[] = this.entra.app.roles, audience = DEFENDER_RESOURCE, tenant: string = this.tenantId): string {
    // Three parts like Entra's tokens, so that the action can read `tid` from the claims; the first carries the plant.
    const claims = encodeJson({ aud: audience, tid: tenant, roles, appid: this.entra.app.clientId })
    const token = `${PLANTED}-token.${claims}.${randomBytes(24).toString('base64url')}`
    this.entra.issuedTokens.set(token, { clientId: this.entra.app.clientId, audience, roles, tenant })
    this.issuedSecrets.push(token)
    return token
  }

  /** Signs an ID token as GitHub's issuer would (or with another key, to fake a forgery). */
  signIdToken(claims: Record<string, unknown>, key: KeyObject = this.oidc.keys.privateKey): string {
    const now = Math.floor(Date.now() / 1000)
    const header = { alg: 'RS256', typ: 'JWT', kid: 'sim-github' }
    const payload = { jti: randomUUID(), nbf: now, iat: now, exp: now + 300, ...claims }
    const signingInput = `${encodeJson(header)}.${encodeJson(payload)}`
    const signature = createSign('RSA-SHA256').update(signingInput).sign(key).toString('base64url')
    this.issuedSecrets.push(`${signingInput}.${signature}`, signature)
    return `${signingInput}.${signature}`
  }

  /** Adds a customer tenant that consented to the app with its permissions (to Entra), reporting `score` (to the Defender API). */
  addTenant(id: string, domain: string, score: number, changes: Partial<SimTenant> = {}): SimTenant {
    const { consented = true, roles = [...this.entra.app.roles], ...data } = changes
    const directory: DirectoryTenant = { id, domain, consented, roles }
    const answers: TenantData = {
      score: { score },
      exposure: { score: 30 },
      deviceGroups: [],
      recommendations: [],
      vulnerabilities: [],
      devices: [],
      ...data
    }
    this.entra.tenants.set(id, directory)
    this.defender.tenants.set(id, answers)
    return { ...directory, ...answers }
  }

  /** The tenant an ID or a verified domain names; undefined when the simulator has none. */
  tenantNamed(name: string): DirectoryTenant | undefined {
    const lower = name.toLowerCase()
    if (lower === this.tenantId || lower === this.tenantDomain) {
      return { id: this.tenantId, domain: this.tenantDomain, consented: true, roles: this.entra.app.roles }
    }
    return [...this.entra.tenants.values()].find(tenant => tenant.id === lower || tenant.domain === lower)
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
    const reply =
      scripted ?? (service === 'api' ? this.defender.throttled(receivedAt) : undefined) ?? this.answer(service, request, url, form, json)
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

/** Unref'd: a reply still waiting must not keep a finished test process alive after close(). */
function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise(resolve => setTimeout(resolve, ms).unref()) : Promise.resolve()
}
