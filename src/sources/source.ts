/**
 * A source of a tenant's evidence, as the engine (./engine.ts) reads it: one object per source, in
 * its own folder, listed once in ./registry.ts. The engine knows sources only through this.
 */
import type { DefenderApi } from '../defender/api.js'

export interface Source<Options, Value> {
  /** How warnings name it: "Exposure score". */
  name: string
  /** The application permission (WindowsDefenderATP) it needs. */
  permission: string
  /** Whether the run asks for it (its inputs); a source a check needs is read all the same. */
  wanted(options: Options): boolean
  /** Requests, paging and parsing of hostile answers; throws what the user should read when it cannot. */
  read(api: DefenderApi, options: Options): Promise<Value>
  /**
   * Whose failure its failure is when the tenant's report cannot do without it (the score), or a
   * check needs it: the tenant's (nothing of the tenant is reported), or the checks' that need it
   * (each could not be evaluated, and fails). A source nobody needs fails with a warning.
   */
  failure: 'tenant' | 'check'
  /** Always read: the tenant's reading is nothing without it. */
  always?: true
  /** Warnings about what was read, when no check needs it (a name asked for that the API does not list). */
  notes?(value: Value, options: Options): string[]
}

/** A source's outcome: read; failed, when the failure is a check's; undefined when not read or skipped with a warning. */
export type Outcome<Value> = { kind: 'read'; value: Value } | { kind: 'failed'; reason: string } | undefined

export function readValue<Value>(outcome: Outcome<Value>): Value | undefined {
  return outcome?.kind === 'read' ? outcome.value : undefined
}
