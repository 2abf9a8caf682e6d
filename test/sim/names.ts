/** Names the simulated services share. */

/**
 * Every secret the simulator hands out carries this mark, so a sweep finds even part of one that
 * leaked (a prefix, a line of it), not only the whole value.
 */
export const PLANTED = 'PLANTED'

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'
export const DEFAULT_AUDIENCE = 'api://AzureADTokenExchange'
