/** A tenant of the run, as every part that works per tenant sees it. */
import type { Limits } from '../checks/registry.js'

/** One tenant of the run: a line of tenant-id. */
export interface Tenant {
  /** Directory (tenant) ID or verified domain; empty only with an access token given without one. */
  id: string
  /** What the report and the log call it: its `name`, or its ID. */
  label: string
  /** Its limit of each check it is checked against (the input, or its line's value). */
  limits: Limits
  /** When its devices count as stale, when its line says (stale-after-days=); the input's otherwise. */
  staleAfterDays?: number
}
