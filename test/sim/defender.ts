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
  const grant = authorization.startsWith('Bearer ') ? sim.issuedTokens.get(authorization.slice(7)) : undefined
  if (!grant || grant.audience !== resourceOfApiHost(request.headers.host ?? '')) {
    return json(401, { error: { code: 'Unauthorized', message: 'Authorization has been denied for this request.', target: requestId } })
  }
  // The API answers from the tenant the token was issued in.
  const data = sim.tenantData(grant.tenant)
  if (!data) {
    return json(401, {
      error: { code: 'Unauthorized', message: 'The tenant of this token has no Defender for Endpoint.', target: requestId }
    })
  }
  const endpoints: Record<string, { role: string; body: () => unknown; raw?: () => Reply }> = {
    [SCORE_PATH]: {
      role: 'Score.Read.All',
      body: () => ({ '@odata.context': `${url.origin}/api/$metadata#ConfigurationScore/$entity`, time: apiTime(), ...data.score })
    },
    [EXPOSURE_PATH]: {
      role: 'Score.Read.All',
      body: () => ({ '@odata.context': `${url.origin}/api/$metadata#ExposureScore/$entity`, time: apiTime(), ...data.exposure })
    },
    [DEVICE_GROUPS_PATH]: {
      role: 'Score.Read.All',
      body: () => ({
        '@odata.context': `${url.origin}/api/$metadata#ExposureScore`,
        value: data.deviceGroups.map(group => (typeof group === 'object' && group !== null ? { time: apiTime(), ...group } : group))
      })
    },
    [RECOMMENDATIONS_PATH]: {
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
    [VULNERABILITIES_PATH]: {
      role: VULNERABILITY_PERMISSION,
      body: () => undefined,
      raw: () => vulnerabilityPage(sim, data.vulnerabilities, url, requestId)
    },
    [DEVICES_PATH]: {
      role: DEVICES_PERMISSION,
      body: () => undefined,
      raw: () => machinesPage(sim, data.machines, url, requestId)
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
  const serverPage = sim.vulnerabilityServerPageSize
  const key = `${filter}|${top}|${skip}|${sim.vulnerabilityNextLinkOrigin ?? ''}|${serverPage ?? ''}`
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
    const origin = sim.vulnerabilityNextLinkOrigin ?? (serverPage === undefined ? undefined : sim.apiUrl)
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
  const size = sim.machinesServerPageSize === undefined ? top : Math.min(top, sim.machinesServerPageSize)
  const next =
    sim.machinesServerPageSize !== undefined && skip + size < selected.length
      ? `${sim.apiUrl}${DEVICES_PATH}?${new URLSearchParams({ ...(filter ? { $filter: filter } : {}), $top: String(top), $skip: String(skip + size) })}`
      : undefined
  // The same page is serialised once: the benchmark times the action, not the simulator.
  const key = `machines|${filter}|${top}|${skip}|${sim.machinesServerPageSize ?? ''}`
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
