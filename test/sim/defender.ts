/** The Defender for Endpoint API: checks the bearer token's audience and roles, answers the score, exposure, device-group and recommendation endpoints. */
import { randomUUID } from 'node:crypto'
import { DEVICE_GROUPS_PATH } from '../../src/sources/device-groups/answers.js'
import { EXPOSURE_PATH } from '../../src/sources/exposure/source.js'
import { RECOMMENDATIONS_PATH } from '../../src/sources/recommendations/answers.js'
import { SCORE_PATH } from '../../src/sources/score/source.js'
import { DEVICES_PAGE_SIZE, DEVICES_PATH, DEVICES_PERMISSION } from '../../src/sources/devices/answers.js'
import { PAGE_SIZE, VULNERABILITIES_PATH, VULNERABILITY_PERMISSION } from '../../src/sources/vulnerabilities/answers.js'
import type { IncomingMessage } from 'node:http'
import { DEFENDER_RESOURCE, GCC_RESOURCE, GOV_RESOURCE } from './entra.js'
import { json, type Reply } from './reply.js'
import type { Simulator } from './simulator.js'

/** One tenant's answers, one entry a source (named as src/sources/registry.ts names them): tests may set any shape, valid or not. */
export interface TenantData {
  score: ScoreState
  exposure: ScoreState
  deviceGroups: unknown[]
  recommendations: unknown[]
  /** The items of GET /api/vulnerabilities, every severity (the endpoint filters and pages them). */
  vulnerabilities: unknown[]
  /** The items of GET /api/machines (the endpoint filters and pages them). */
  devices: unknown[]
}

export interface ScoreState {
  score: unknown
  time?: unknown
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

/** The Defender API's state: the primary tenant's answers (its own fields), each customer tenant's, and how it pages and throttles. */
export class DefenderState implements TenantData {
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
  /** The items of GET /api/machines (the devices source): a small fleet, one of them stale and one that can be onboarded. */
  devices: unknown[] = sampleMachines()
  /** Customer tenants' answers, by tenant ID. */
  readonly tenants = new Map<string, TenantData>()
  /** When set, the API pages devices at this size whatever $top asks, with an @odata.nextLink on its own origin. */
  machinesServerPageSize: number | undefined
  /** When set, vulnerability pages carry an @odata.nextLink on this origin instead of leaving $skip to the client. */
  vulnerabilityNextLinkOrigin: string | undefined
  /** When set, the API pages vulnerabilities at this size whatever $top asks, with an @odata.nextLink on its own origin. */
  vulnerabilityServerPageSize: number | undefined
  /** Throttles the API when set (the benchmark's burst of runs). */
  throttle: Throttle | undefined
  private throttleWindow = { startedAt: 0, calls: 0 }

  /** The answers for a tenant the primary one is, or a customer tenant; undefined when the API has none. */
  dataOf(tenant: string, primary: string): TenantData | undefined {
    return tenant === primary ? this : this.tenants.get(tenant)
  }

  /** A 429 when the throttle's window is spent; undefined lets the request through. */
  throttled(now: number): Reply | undefined {
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

/** A source's endpoint: its path, the application permission it needs, and its answer (a body, or a whole reply for the paged ones). */
interface Endpoint {
  path: string
  role: string
  body: () => unknown
  raw?: () => Reply
}

/** Which resource a Defender API host serves; loopback and commercial hosts serve the commercial one. */
function resourceOfApiHost(host: string): string {
  const name = host.replace(/:\d+$/, '')
  if (name === 'api-gcc.securitycenter.microsoft.us') return GCC_RESOURCE
  if (name === 'api-gov.securitycenter.microsoft.us') return GOV_RESOURCE
  return DEFENDER_RESOURCE
}

export function answerDefender(sim: Simulator, request: IncomingMessage, url: URL): Reply {
  const requestId = randomUUID()
  const authorization = request.headers.authorization ?? ''
  const grant = authorization.startsWith('Bearer ') ? sim.entra.issuedTokens.get(authorization.slice(7)) : undefined
  if (!grant || grant.audience !== resourceOfApiHost(request.headers.host ?? '')) {
    return json(401, { error: { code: 'Unauthorized', message: 'Authorization has been denied for this request.', target: requestId } })
  }
  // The API answers from the tenant the token was issued in.
  const data = sim.defender.dataOf(grant.tenant, sim.tenantId)
  if (!data) {
    return json(401, {
      error: { code: 'Unauthorized', message: 'The tenant of this token has no Defender for Endpoint.', target: requestId }
    })
  }
  // One endpoint a source, keyed as the tenant's answers are: a source added to TenantData does not compile without its endpoint.
  const endpoints: Record<keyof TenantData, Endpoint> = {
    score: {
      path: SCORE_PATH,
      role: 'Score.Read.All',
      body: () => ({ '@odata.context': `${url.origin}/api/$metadata#ConfigurationScore/$entity`, time: apiTime(), ...data.score })
    },
    exposure: {
      path: EXPOSURE_PATH,
      role: 'Score.Read.All',
      body: () => ({ '@odata.context': `${url.origin}/api/$metadata#ExposureScore/$entity`, time: apiTime(), ...data.exposure })
    },
    deviceGroups: {
      path: DEVICE_GROUPS_PATH,
      role: 'Score.Read.All',
      body: () => ({
        '@odata.context': `${url.origin}/api/$metadata#ExposureScore`,
        value: data.deviceGroups.map(group => (typeof group === 'object' && group !== null ? { time: apiTime(), ...group } : group))
      })
    },
    recommendations: {
      path: RECOMMENDATIONS_PATH,
      role: 'SecurityRecommendation.Read.All',
      // $top (at most 10,000) and $skip, as documented.
      body: () => {
        const top = Number(url.searchParams.get('$top') ?? data.recommendations.length)
        const skip = Number(url.searchParams.get('$skip') ?? 0)
        return {
          '@odata.context': `${url.origin}/api/$metadata#Recommendations`,
          value: data.recommendations.slice(skip, skip + Math.min(top, 10_000))
        }
      }
    },
    vulnerabilities: {
      path: VULNERABILITIES_PATH,
      role: VULNERABILITY_PERMISSION,
      body: () => undefined,
      raw: () => vulnerabilityPage(sim, data.vulnerabilities, url, requestId)
    },
    devices: {
      path: DEVICES_PATH,
      role: DEVICES_PERMISSION,
      body: () => undefined,
      raw: () => machinesPage(sim, data.devices, url, requestId)
    }
  }
  const endpoint = Object.values(endpoints).find(candidate => candidate.path === url.pathname)
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
  return endpoint.raw?.() ?? json(200, endpoint.body())
}

/** Serialised pages by list and query: the benchmark asks for the same 7 MiB pages run after run. */
const pageCache = new WeakMap<unknown[], Map<string, string>>()

/**
 * GET /api/vulnerabilities as documented: $filter on severity (`severity eq 'X'`, joined by `or`),
 * $top up to 8,000, $skip. Anything else in $filter is refused, as the real API refuses a filter
 * on a property it does not support.
 */
function vulnerabilityPage(sim: Simulator, items: unknown[], url: URL, requestId: string): Reply {
  const bad = (message: string) => json(400, { error: { code: 'BadRequest', message, target: requestId } })
  const filter = url.searchParams.get('$filter') ?? ''
  const top = Number(url.searchParams.get('$top') ?? items.length)
  const skip = Number(url.searchParams.get('$skip') ?? 0)
  const clauses = filter ? filter.split(' or ') : []
  const severities = clauses.map(clause => /^severity eq '(Low|Medium|High|Critical)'$/.exec(clause)?.[1])
  if (severities.includes(undefined)) {
    return bad('Filter parameter is invalid')
  }
  if (!Number.isInteger(top) || top < 0 || top > PAGE_SIZE || !Number.isInteger(skip) || skip < 0) {
    return bad(`Invalid paging: $top must be 0 to ${PAGE_SIZE}, $skip 0 or more.`)
  }
  const serverPage = sim.defender.vulnerabilityServerPageSize
  const key = `${filter}|${top}|${skip}|${sim.defender.vulnerabilityNextLinkOrigin ?? ''}|${serverPage ?? ''}`
  const cache = pageCache.get(items) ?? new Map<string, string>()
  pageCache.set(items, cache)
  let body = cache.get(key)
  if (body === undefined) {
    const selected =
      severities.length === 0
        ? items
        : items.filter(item => typeof item === 'object' && item !== null && severities.includes((item as { severity?: string }).severity))
    // OData servers may page at their own size, shorter than $top, and then say where the rest is.
    const size = serverPage === undefined ? top : Math.min(top, serverPage)
    const page = selected.slice(skip, skip + size)
    const origin = sim.defender.vulnerabilityNextLinkOrigin ?? (serverPage === undefined ? undefined : sim.apiUrl)
    const nextLink =
      origin && skip + size < selected.length
        ? `${origin}${VULNERABILITIES_PATH}?${new URLSearchParams({ $filter: filter, $top: String(top), $skip: String(skip + size) })}`
        : undefined
    body = JSON.stringify({
      '@odata.context': `${url.origin}/api/$metadata#Vulnerabilities`,
      value: page,
      ...(nextLink ? { '@odata.nextLink': nextLink } : {})
    })
    cache.set(key, body)
  }
  return { status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body }
}

/** The properties GET /api/machines filters on, as its page documents them. */
const MACHINE_FILTERS = new Set([
  'computerDnsName',
  'id',
  'version',
  'deviceValue',
  'aadDeviceId',
  'machineTags',
  'lastSeen',
  'exposureLevel',
  'onboardingStatus',
  'lastIpAddress',
  'healthStatus',
  'osPlatform',
  'riskScore',
  'rbacGroupId'
])

/**
 * GET /api/machines as documented: $top up to 10,000, $skip, and $filter with `property eq 'value'`
 * clauses joined by `and` on the properties the page lists (anything else is refused, as the API refuses
 * it); with {@link Simulator.machinesServerPageSize}, pages of the server's size with an @odata.nextLink.
 */
function machinesPage(sim: Simulator, items: unknown[], url: URL, requestId: string): Reply {
  const bad = (message: string) => json(400, { error: { code: 'BadRequest', message, target: requestId } })
  const top = Number(url.searchParams.get('$top') ?? DEVICES_PAGE_SIZE)
  const skip = Number(url.searchParams.get('$skip') ?? 0)
  if (!Number.isInteger(top) || top < 0 || top > DEVICES_PAGE_SIZE || !Number.isInteger(skip) || skip < 0) {
    return bad(`Invalid paging: $top must be 0 to ${DEVICES_PAGE_SIZE}, $skip 0 or more.`)
  }
  const filter = url.searchParams.get('$filter') ?? ''
  const clauses = (filter ? filter.split(' and ') : []).map(clause => /^(\w+) eq '([^']*)'$/.exec(clause))
  if (clauses.some(clause => !clause || !MACHINE_FILTERS.has(clause[1] ?? ''))) {
    return bad('Filter parameter is invalid')
  }
  const selected = items.filter(item =>
    clauses.every(
      clause => typeof item === 'object' && item !== null && String((item as Record<string, unknown>)[clause?.[1] ?? '']) === clause?.[2]
    )
  )
  const size = sim.defender.machinesServerPageSize === undefined ? top : Math.min(top, sim.defender.machinesServerPageSize)
  const next =
    sim.defender.machinesServerPageSize !== undefined && skip + size < selected.length
      ? `${sim.apiUrl}${DEVICES_PATH}?${new URLSearchParams({ ...(filter ? { $filter: filter } : {}), $top: String(top), $skip: String(skip + size) })}`
      : undefined
  // The same page is serialised once: the benchmark times the action, not the simulator.
  const key = `machines|${filter}|${top}|${skip}|${sim.defender.machinesServerPageSize ?? ''}`
  const cache = pageCache.get(items) ?? new Map<string, string>()
  pageCache.set(items, cache)
  let body = cache.get(key)
  if (body === undefined) {
    body = JSON.stringify({
      '@odata.context': `${url.origin}/api/$metadata#Machines`,
      value: selected.slice(skip, skip + size),
      ...(next ? { '@odata.nextLink': next } : {})
    })
    cache.set(key, body)
  }
  return { status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body }
}

/** The API's `time`: ISO 8601 with seven fractional digits, as Microsoft's examples show. */
function apiTime(): string {
  return new Date().toISOString().replace('Z', '0000Z')
}

/** A scripted answer for the score request only (the extras are requested at the same time, in any order). */
export function onScore(reply: Reply): Reply {
  return { ...reply, path: SCORE_PATH }
}
