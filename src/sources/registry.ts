/**
 * Every source of a tenant's evidence, one line each. A source is a folder (how it is read, what it
 * shows) and a line here; the engine (./engine.ts) reads them all at once without naming any.
 */
import type { Clock } from '../clock.js'
import type { DefenderApi } from '../defender/api.js'
import type { ScoreReading } from '../defender/answers.js'
import type { DeviceGroupReadings } from './device-groups/answers.js'
import { deviceGroupsSource } from './device-groups/source.js'
import { readSources, sourcesRead } from './engine.js'
import { exposureSource } from './exposure/source.js'
import type { Recommendations } from './recommendations/answers.js'
import { recommendationsSource } from './recommendations/source.js'
import { scoreSource } from './score/source.js'
import { readValue, type Source } from './source.js'
import type { Severity } from './vulnerabilities/answers.js'
import type { VulnerabilityReading } from './vulnerabilities/read.js'
import { vulnerabilitiesSource } from './vulnerabilities/source.js'
import type { Coverage } from './devices/answers.js'
import { devicesSource } from './devices/source.js'

export const SOURCES = {
  score: scoreSource,
  exposure: exposureSource,
  deviceGroups: deviceGroupsSource,
  recommendations: recommendationsSource,
  vulnerabilities: vulnerabilitiesSource,
  devices: devicesSource
}

export type SourceId = keyof typeof SOURCES

/** What the run asks of each source (its inputs). */
export type SourceOptions = { [K in SourceId]: (typeof SOURCES)[K] extends Source<infer Options, unknown> ? Options : never }
type SourceValues = { [K in SourceId]: (typeof SOURCES)[K] extends Source<never, infer Value> ? Value : never }

/** What one tenant's reading holds; a source is undefined when not asked for or not available. */
export interface DefenderReadings {
  score: ScoreReading
  exposure: ScoreReading | undefined
  /** The top recommendations by score impact, as many as asked for. */
  recommendations: Recommendations | undefined
  /** The exposure score of each device group selected by device-groups. */
  deviceGroups: DeviceGroupReadings | undefined
  /** The exploitable vulnerabilities; `unavailable` only when a check needs them. */
  vulnerabilities: VulnerabilityReading | undefined
  /** Coverage: how many onboarded devices still report; `unavailable` only when a check needs it. */
  devices: CoverageReading | undefined
}

/** Coverage as read, or why not when a check needs it. */
export type CoverageReading = { kind: 'read'; coverage: Coverage } | { kind: 'unavailable'; reason: string }

/** Reads a tenant's sources: those asked for in `options`, and those `needed` by its checks. */
export async function readTenantSources(
  api: DefenderApi,
  options: SourceOptions,
  needed: ReadonlySet<SourceId>,
  clock: Clock
): Promise<DefenderReadings> {
  const outcomes = await readSources<SourceOptions, SourceValues>(SOURCES, options, needed, api, clock)
  const score = readValue(outcomes.score)
  if (score === undefined) {
    // The engine throws when a source whose failure is the tenant's fails: the score was read.
    throw new Error('the score was neither read nor refused')
  }
  const vulnerabilities = outcomes.vulnerabilities
  const severity: Severity = options.vulnerabilities ?? 'critical'
  return {
    score,
    exposure: readValue(outcomes.exposure),
    recommendations: readValue(outcomes.recommendations),
    deviceGroups: readValue(outcomes.deviceGroups),
    vulnerabilities:
      vulnerabilities === undefined
        ? undefined
        : vulnerabilities.kind === 'read'
          ? { kind: 'read', severity, ...vulnerabilities.value, accepted: [] }
          : { kind: 'unavailable', severity, reason: vulnerabilities.reason },
    devices:
      outcomes.devices === undefined
        ? undefined
        : outcomes.devices.kind === 'read'
          ? { kind: 'read', coverage: outcomes.devices.value }
          : { kind: 'unavailable', reason: outcomes.devices.reason }
  }
}

/** How many requests a tenant's reading sends at once, with these options and these sources needed. */
export function requestsAtOnce(options: SourceOptions, needed: ReadonlySet<SourceId>): number {
  return sourcesRead<SourceOptions, SourceValues>(SOURCES, options, needed)
}
