/**
 * Devices (Machine.Read.All): how many onboarded devices still report. Microsoft leaves devices not
 * active for 30 days out of the device secure score and the exposure score, so a fleet that goes dark
 * looks like an improvement; coverage is the evidence that it did not. Read as hostile data: an item
 * without a string ID, health status or onboarding status is refused. Pure.
 * https://learn.microsoft.com/defender-endpoint/api/get-machines, .../api/machine
 */
import { ServiceError } from '../../errors.js'
import { isIsoDateTime, isRecord } from '../../json.js'
import { collectionPageReader, type PageReader, type PageSummary } from '../../defender/paging.js'

export const DEVICES_PATH = '/api/machines'
export const DEVICES_PERMISSION = 'Machine.Read.All'
/** `$top` at most, as Microsoft documents. */
export const DEVICES_PAGE_SIZE = 10_000
/** Stale devices a report lists at most, longest silent first; the count says how many there are. */
export const STALE_LISTED = 100

/** The health statuses Microsoft documents, in the order the summary shows them; any other is shown by its value. */
export const HEALTH_STATUSES = [
  'Active',
  'Inactive',
  'ImpairedCommunication',
  'NoSensorData',
  'NoSensorDataImpairedCommunication',
  'Unknown'
]

/** What coverage is read with: when a device counts as stale, and the time it is judged at. */
export interface CoverageRequest {
  staleAfterDays: number
  /** Milliseconds since the epoch: the run's clock when it asked. */
  asOf: number
}

/** An onboarded device whose last full report is older than stale-after-days (or that has none). */
export interface StaleDevice {
  name: string
  /** ISO 8601, or null when the API gives none. */
  lastSeen: string | null
  healthStatus: string
  platform: string
  group: string
}

/** A tenant's coverage: counts over every device listed, and the stale ones. */
export interface Coverage {
  /** Onboarded devices by health status, each status by its value (any Microsoft adds included). */
  byHealthStatus: Record<string, number>
  onboarded: number
  /** Onboarded devices whose health status is Active. */
  active: number
  /** Devices discovered but not onboarded (onboardingStatus CanBeOnboarded). */
  canBeOnboarded: number
  staleAfterDays: number
  staleCount: number
  /** The stale devices, longest silent first, at most {@link STALE_LISTED}. */
  stale: StaleDevice[]
}

/** Active onboarded devices as a share of the onboarded, in percent; undefined when none is onboarded (0 of 0 is not 100%). */
export function activePercent(coverage: Pick<Coverage, 'onboarded' | 'active'>): number | undefined {
  return coverage.onboarded === 0 ? undefined : (coverage.active / coverage.onboarded) * 100
}

export function pageUrl(apiUrl: string, skip: number): string {
  return `${apiUrl}${DEVICES_PATH}?${new URLSearchParams({ $top: String(DEVICES_PAGE_SIZE), $skip: String(skip) })}`
}

const UNEXPECTED =
  'No coverage check was evaluated on it. Check that api-url is the Defender for Endpoint API; if it is, re-run the job, and ' +
  'report the answer if it persists.'

/** A device as the tally needs it. */
interface Device {
  id: string
  onboarded: boolean
  canBeOnboarded: boolean
  healthStatus: string
  stale: StaleDevice | undefined
}

/** The devices of every page, each counted once however often pages repeat it. */
export class CoverageTally {
  private readonly seen = new Set<string>()
  private readonly coverage: Coverage

  constructor(private readonly request: CoverageRequest) {
    this.coverage = {
      byHealthStatus: {},
      onboarded: 0,
      active: 0,
      canBeOnboarded: 0,
      staleAfterDays: request.staleAfterDays,
      staleCount: 0,
      stale: []
    }
  }

  /** A page's reader: its devices are counted only once the page is whole (a retried page starts afresh). */
  reader(): PageReader<PageSummary & { devices: Device[] }> {
    const devices: Device[] = []
    return collectionPageReader(
      DEVICES_PATH,
      UNEXPECTED,
      item => devices.push(readDevice(item, this.request)),
      () => ({ devices })
    )
  }

  add(devices: Device[]): void {
    const { coverage } = this
    for (const device of devices) {
      if (this.seen.has(device.id)) continue
      this.seen.add(device.id)
      if (device.canBeOnboarded) coverage.canBeOnboarded++
      if (!device.onboarded) continue
      coverage.onboarded++
      coverage.byHealthStatus[device.healthStatus] = (coverage.byHealthStatus[device.healthStatus] ?? 0) + 1
      if (device.healthStatus === 'Active') coverage.active++
      if (device.stale) {
        coverage.staleCount++
        insertStale(coverage.stale, device.stale)
      }
    }
  }

  result(): Coverage {
    return this.coverage
  }
}

/** Keeps the longest silent first (no last report first of all), at most {@link STALE_LISTED}. */
function insertStale(list: StaleDevice[], device: StaleDevice): void {
  const at = (entry: StaleDevice) => (entry.lastSeen === null ? Number.NEGATIVE_INFINITY : Date.parse(entry.lastSeen))
  if (list.length >= STALE_LISTED && at(device) >= at(list[list.length - 1] as StaleDevice)) return
  const index = list.findIndex(entry => at(device) < at(entry))
  list.splice(index < 0 ? list.length : index, 0, device)
  if (list.length > STALE_LISTED) list.pop()
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '')

function readDevice(item: unknown, request: CoverageRequest): Device {
  const record = isRecord(item) ? item : {}
  const { id, healthStatus, onboardingStatus } = record
  if (typeof id !== 'string' || id.length === 0 || typeof healthStatus !== 'string' || typeof onboardingStatus !== 'string') {
    throw new ServiceError(
      `The Defender API answered GET ${DEVICES_PATH} with a device that has no ID, health status or onboarding status as text ` +
        `(id ${describe(id)}, healthStatus ${describe(healthStatus)}, onboardingStatus ${describe(onboardingStatus)}). ${UNEXPECTED}`
    )
  }
  const onboarded = onboardingStatus.toLowerCase() === 'onboarded'
  const lastSeen = isIsoDateTime(record['lastSeen']) ? record['lastSeen'] : null
  const staleBefore = request.asOf - request.staleAfterDays * 24 * 60 * 60 * 1000
  const stale = onboarded && (lastSeen === null || Date.parse(lastSeen) < staleBefore)
  return {
    id,
    onboarded,
    canBeOnboarded: onboardingStatus.toLowerCase() === 'canbeonboarded',
    healthStatus,
    stale: stale
      ? {
          name: text(record['computerDnsName']) || id,
          lastSeen,
          healthStatus,
          platform: text(record['osPlatform']),
          group: text(record['rbacGroupName'])
        }
      : undefined
  }
}

function describe(value: unknown): string {
  const shown = JSON.stringify(value) ?? 'missing'
  return shown.length > 60 ? `${shown.slice(0, 59)}…` : shown
}
