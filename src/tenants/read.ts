/**
 * One tenant's reading: sign in to it and read what the run asks of the Defender API. Never throws
 * for the tenant's own problem (no consent, a refused credential, a timeout, throttling past the
 * retries): that is the tenant's outcome, and the other tenants are still read.
 */
import type { Tenant } from '../tenants/tenant.js'
import { neededSources } from '../checks/registry.js'
import type { Clock } from '../clock.js'
import { defenderApi } from '../defender/api.js'
import { aboutTenant, info } from '../log.js'
import type { Http } from '../net/http.js'
import type { AppSignIn } from '../signin/credentials.js'
import { acquireAccessToken, tokenDirectory, type IdTokenSource } from '../signin/entra.js'
import { readTenantSources, requestsAtOnce, type DefenderReadings, type SourceOptions } from '../sources/registry.js'
import { mapBounded } from './pool.js'
import { ConfigurationError } from '../errors.js'

/**
 * Requests to Microsoft under way at once, at most, whatever the number of tenants: each tenant has
 * its own throttling budget at Microsoft (per app and tenant), so the bound is for the runner's
 * sockets and memory. Tenants are read as many at once as it allows (see {@link tenantsAtOnce}).
 */
export const MAX_REQUESTS_IN_FLIGHT = 64

/** Tenants read at once when each sends `requests` at once (its sign-in, then its sources together). */
export function tenantsAtOnce(requests: number): number {
  return Math.max(1, Math.floor(MAX_REQUESTS_IN_FLIGHT / Math.max(1, requests)))
}

/** What every tenant is read with. */
export interface TenantReader {
  app: AppSignIn
  http: Http
  idToken: IdTokenSource
  clock: Clock
  /** Defender API base URL, without a trailing slash. */
  apiUrl: string
  /** What the run asks of each source; those a tenant's checks need are read for it all the same. */
  sources: SourceOptions
}

export type TenantReading =
  /** `directory`: the directory ID the token was issued in (its tid), the tenant's key however tenant-id spells it. */
  | { kind: 'read'; tenant: Tenant; directory: string | undefined; readings: DefenderReadings }
  | { kind: 'unread'; tenant: Tenant; error: unknown }

/** Reads one tenant. */
export async function readTenant(tenant: Tenant, reader: TenantReader): Promise<TenantReading> {
  try {
    const token = await acquireAccessToken(reader.app, tenant.id, reader.http, reader.idToken)
    info(`Reading the device secure score from ${new URL(reader.apiUrl).host}.`)
    const api = defenderApi(reader.http, reader.apiUrl, token)
    // A tenant-id line may say when its devices count as stale.
    const { devices } = reader.sources
    const sources =
      tenant.staleAfterDays === undefined
        ? reader.sources
        : { ...reader.sources, devices: { ...devices, staleAfterDays: tenant.staleAfterDays } }
    const readings = await readTenantSources(api, sources, neededSources(tenant.limits), reader.clock)
    return { kind: 'read', tenant, directory: tokenDirectory(token), readings }
  } catch (error) {
    return { kind: 'unread', tenant, error }
  }
}

/** Reads every tenant, as many at once as {@link MAX_REQUESTS_IN_FLIGHT} allows; with several, each log line names its tenant. */
export function readTenants(tenants: Tenant[], reader: TenantReader): Promise<TenantReading[]> {
  if (tenants.length === 1) {
    return mapBounded(tenants, 1, tenant => readTenant(tenant, reader))
  }
  const requests = Math.max(...tenants.map(tenant => requestsAtOnce(reader.sources, neededSources(tenant.limits))))
  return mapBounded(tenants, tenantsAtOnce(requests), tenant => aboutTenant(tenant.label, () => readTenant(tenant, reader)))
}

/**
 * A domain line and a GUID line (or two domains) of the same directory would be read twice and kept
 * in one history under two names: refused, naming both lines, once their tokens tell their directory.
 */
export function checkDirectoriesListedOnce(readings: TenantReading[]): void {
  const seen = new Map<string, Tenant>()
  for (const reading of readings) {
    if (reading.kind !== 'read' || reading.directory === undefined) continue
    const earlier = seen.get(reading.directory)
    if (earlier) {
      throw new ConfigurationError(
        `tenant-id lists the directory ${reading.directory} twice: '${earlier.id}' and '${reading.tenant.id}' are the same tenant ` +
          "(their tokens' tid). List each tenant once."
      )
    }
    seen.set(reading.directory, reading.tenant)
  }
}
