/**
 * Where each cloud's Defender API and sign-in live, in one table. Hosts: Microsoft's "Supported
 * Microsoft Defender for Endpoint APIs" (https://learn.microsoft.com/defender-endpoint/api/exposed-apis-list)
 * and "Microsoft Defender for Endpoint for US Government customers"
 * (https://learn.microsoft.com/defender-endpoint/gov); a new cloud is a row here.
 * Microsoft documents no token scope for the government clouds: their default here is the cloud's
 * API base plus /.default, which the README marks as unconfirmed and the scope input overrides.
 */
export const CLOUDS = ['commercial', 'gcc', 'gcc-high', 'dod'] as const
export type Cloud = (typeof CLOUDS)[number]

/** Regional hosts of the commercial API: https://{region}.api.security.microsoft.com. */
export const REGIONS = ['us', 'eu', 'uk', 'au', 'swa', 'ina', 'aea'] as const
export type Region = (typeof REGIONS)[number]

export interface Endpoints {
  apiUrl: string
  authorityHost: string
  scope: string
}

const COMMERCIAL_SCOPE = 'https://api.securitycenter.microsoft.com/.default'

const CLOUD_ENDPOINTS: Record<Cloud, Endpoints> = {
  commercial: {
    apiUrl: 'https://api.security.microsoft.com',
    authorityHost: 'https://login.microsoftonline.com',
    scope: COMMERCIAL_SCOPE
  },
  gcc: {
    apiUrl: 'https://api-gcc.securitycenter.microsoft.us',
    authorityHost: 'https://login.microsoftonline.com',
    scope: 'https://api-gcc.securitycenter.microsoft.us/.default'
  },
  'gcc-high': {
    apiUrl: 'https://api-gov.securitycenter.microsoft.us',
    authorityHost: 'https://login.microsoftonline.us',
    scope: 'https://api-gov.securitycenter.microsoft.us/.default'
  },
  dod: {
    apiUrl: 'https://api-gov.securitycenter.microsoft.us',
    authorityHost: 'https://login.microsoftonline.us',
    scope: 'https://api-gov.securitycenter.microsoft.us/.default'
  }
}

/** The endpoints of a cloud, and of a region of the commercial cloud. */
export function cloudEndpoints(cloud: Cloud, region: Region | undefined): Endpoints {
  const endpoints = CLOUD_ENDPOINTS[cloud]
  // The scope stays the API's application ID URI whichever regional host answers.
  return region ? { ...endpoints, apiUrl: `https://${region}.api.security.microsoft.com` } : endpoints
}
