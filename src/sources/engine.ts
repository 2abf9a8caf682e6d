/**
 * Reads every source of a tenant at once, so that no source lengthens the critical path, and decides
 * from each source's description and the checks that need it whose its failure is. It never names a
 * source: a new one is a folder and a line of ./registry.ts.
 */
import type { Clock } from '../clock.js'
import type { DefenderApi } from '../defender/api.js'
import { failureMessage, ServiceError } from '../errors.js'
import { warning } from '../log.js'
import type { Outcome, Source } from './source.js'

/**
 * How long a source no check depends on may keep the run waiting once every answer a check needs is
 * in: it is then skipped with a warning, so a hung endpoint never holds a run whose verdict is known.
 */
export const EXTRA_GRACE_MS = 5000

type Sources<Options, Values> = { [K in keyof Options & keyof Values]: Source<Options[K], Values[K]> }
export type Outcomes<Values> = { [K in keyof Values]: Outcome<Values[K]> }

type Settled = PromiseSettledResult<unknown>

/**
 * Starts every source that is asked for, needed or always read; waits for those whose failure is the
 * tenant's (throwing the first failure), then for those whose failure is a check's, and gives the
 * others {@link EXTRA_GRACE_MS} more.
 */
export async function readSources<Options, Values>(
  sources: Sources<Options, Values>,
  options: Options,
  needed: ReadonlySet<keyof Options>,
  api: DefenderApi,
  clock: Clock
): Promise<Outcomes<Values>> {
  const names = Object.keys(sources) as Array<keyof Options & keyof Values>
  const failureOf = (name: keyof Options & keyof Values): 'tenant' | 'check' | 'warning' => {
    const source = sources[name]
    return source.always || needed.has(name) ? source.failure : 'warning'
  }
  const started = new Map(
    names.map(name => {
      const source = sources[name]
      return [name, isRead(source, options[name], needed.has(name)) ? settle(source.read(api, options[name])) : undefined] as const
    })
  )
  for (const result of await Promise.all(names.filter(name => failureOf(name) === 'tenant').map(name => started.get(name)))) {
    if (result?.status === 'rejected') {
      throw result.reason
    }
  }
  const grace = new AbortController()
  const late = clock.sleep(EXTRA_GRACE_MS, 'grace', grace.signal).then(
    () => LATE,
    () => LATE
  )
  const results = await Promise.all(
    names.map(name => {
      const result = started.get(name)
      return result && (failureOf(name) === 'warning' ? Promise.race([result, late]) : result)
    })
  ).finally(() => grace.abort())
  const outcomes = names.map((name, index): Outcome<unknown> => {
    const result = results[index]
    const source = sources[name]
    if (result === undefined) return undefined
    if (result.status === 'fulfilled') {
      if (!needed.has(name)) {
        for (const note of source.notes?.(result.value as Values[typeof name], options[name]) ?? []) warning(note)
      }
      return { kind: 'read', value: result.value }
    }
    if (failureOf(name) === 'check') return { kind: 'failed', reason: failureMessage(result.reason).replace(/\s*\n\s*/g, ' ') }
    warning(`${source.name} skipped: ${failureMessage(result.reason)}`)
    return undefined
  })
  // Each outcome is of its own source's type: the table pairs them.
  return Object.fromEntries(names.map((name, index) => [name, outcomes[index]])) as Outcomes<Values>
}

/** How many sources a tenant's reading sends at once: those asked for, needed by its checks, or always read. */
export function sourcesRead<Options, Values>(
  sources: Sources<Options, Values>,
  options: Options,
  needed: ReadonlySet<keyof Options>
): number {
  const names = Object.keys(sources) as Array<keyof Options & keyof Values>
  return names.filter(name => isRead(sources[name], options[name], needed.has(name))).length
}

function isRead<Options, Value>(source: Source<Options, Value>, options: Options, needed: boolean): boolean {
  return source.always === true || needed || source.wanted(options)
}

/** The outcome of a request, handled from the moment it is sent (an extra may fail while the score is awaited). */
function settle<T>(promise: Promise<T>): Promise<Settled> {
  return promise.then(
    value => ({ status: 'fulfilled', value }),
    (reason: unknown) => ({ status: 'rejected', reason })
  )
}

/** An extra still unanswered when the grace ran out. */
const LATE: PromiseRejectedResult = {
  status: 'rejected',
  reason: new ServiceError(`no answer within ${EXTRA_GRACE_MS / 1000} s after the score; the verdict did not wait for it`)
}
