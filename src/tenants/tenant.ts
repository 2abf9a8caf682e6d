/** A tenant of the run, as every part that works per tenant sees it. */

/** The limits a tenant is checked against; each undefined means no such check. */
export interface TenantLimits {
  /** Lowest passing score. */
  minScore: number | undefined
  /** Highest passing exposure score (lower is better). */
  maxExposureScore: number | undefined
  /** Largest allowed fall of the score since the previous reading. */
  maxDrop: number | undefined
  /** Highest passing exposure score of each selected device group. */
  maxDeviceGroupExposureScore: number | undefined
  /** Most exploitable vulnerabilities allowed. */
  maxExploitableVulnerabilities: number | undefined
  /** Most vulnerabilities allowed to have become exploitable since the previous reading. */
  maxNewExploitableVulnerabilities: number | undefined
}

/** One tenant of the run: a line of tenant-id. */
export interface Tenant {
  /** Directory (tenant) ID or verified domain; empty only with an access token given without one. */
  id: string
  /** What the report and the log call it: its `name`, or its ID. */
  label: string
  limits: TenantLimits
}
