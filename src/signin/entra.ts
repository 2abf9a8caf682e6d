import type { Clock } from '../clock.js'
import { debug, info } from '../log.js'
import { addSecret } from '../secrets.js'
import { describeBody, describeShape } from '../net/body.js'
import { ConfigurationError, ServiceError } from '../errors.js'
import { isRecord, parseJson } from '../json.js'
import type { Http, HttpResponse } from '../net/http.js'
import { signClientAssertion } from './certificate.js'
import type { AppSignIn, IdTokenRequest } from './credentials.js'
import { decodeJwtClaims } from './jwt.js'

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

const FEDERATED_SUBJECT_FORMATS =
  'Subjects look like repo:OWNER/REPO:ref:refs/heads/main, repo:OWNER/REPO:ref:refs/tags/v1, ' +
  'repo:OWNER/REPO:environment:NAME or repo:OWNER/REPO:pull_request; repositories created, renamed or ' +
  'transferred since mid-2026 default to immutable subjects such as repo:OWNER@OWNER_ID/REPO@REPO_ID:ref:refs/heads/main.'

/**
 * What to tell the user for the AADSTS codes people hit most. Codes and meanings:
 * https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 */
const AADSTS_HINTS: ReadonlyMap<number, string> = new Map([
  [700016, 'Check client-id and tenant-id: the application was not found in this tenant (it may live in another tenant or cloud).'],
  [7000215, "The client-secret is wrong: use the secret's Value (shown once, when it was created), not its Secret ID."],
  [7000222, 'The client secret has expired: create a new one under Certificates & secrets and update the repository secret.'],
  [70021, 'No federated credential on the app matches the ID token this job presented.'],
  [700211, "The federated credential's issuer does not match: it must be https://token.actions.githubusercontent.com."],
  [700212, "The federated credential's audience does not match: it must be api://AzureADTokenExchange unless you set oidc-audience."],
  [700213, "The federated credential's subject does not match the job's."],
  [7000218, 'Neither a secret nor an assertion reached Entra ID: client-secret may be empty.'],
  [
    70011,
    "Check scope: it must be one API's application ID URI followed by /.default, such as https://api.securitycenter.microsoft.com/.default."
  ],
  [700022, 'Check scope: it must name a single API, such as https://api.securitycenter.microsoft.com/.default.'],
  [
    500011,
    'Check scope: the API it names is not known in this tenant (is Defender for Endpoint set up there, and is this the right cloud?).'
  ],
  [65001, 'Grant admin consent: Entra admin center > App registrations > the app > API permissions > Grant admin consent.'],
  [
    53003,
    'Blocked by Conditional Access: ask your administrators to allow this workload identity in the Conditional Access policy for workload identities.'
  ],
  [90002, 'The tenant was not found: check tenant-id, and that authority-host is the sign-in host of your cloud.'],
  [700027, "The client assertion's signature is invalid: the certificate is not registered on the app."],
  [50027, "The client assertion is malformed or expired: check the runner's clock (clock skew) and the assertion's claims."],
  [700024, "The client assertion is malformed or expired: check the runner's clock (clock skew) and the assertion's claims."]
])

/** Codes whose fix is to make the federated credential match the presented token. */
const FEDERATION_MISMATCH = new Set([70021, 700211, 700212, 700213])

export interface EntraErrorBody {
  error: string | undefined
  description: string | undefined
  code: number | undefined
}

/** Reads Entra's OAuth error body; undefined when it is not that shape. */
export function parseEntraError(body: string): EntraErrorBody | undefined {
  const json = parseJson(body)
  if (!isRecord(json) || (typeof json['error'] !== 'string' && typeof json['error_description'] !== 'string')) {
    return undefined
  }
  const description = typeof json['error_description'] === 'string' ? json['error_description'] : undefined
  const codes = Array.isArray(json['error_codes']) ? json['error_codes'] : []
  const listed = codes.find((code): code is number => typeof code === 'number')
  const fromText = description?.match(/AADSTS(\d+)/)?.[1]
  return {
    error: typeof json['error'] === 'string' ? json['error'] : undefined,
    description,
    code: listed ?? (fromText === undefined ? undefined : Number(fromText))
  }
}

/** The non-secret claims of the ID token this job presented, as azure/login shows them. */
export interface PresentedAssertion {
  issuer: string
  subject: string
  audience: string
}

export function presentedAssertion(idToken: string): PresentedAssertion | undefined {
  const claims = decodeJwtClaims(idToken)
  if (!claims) {
    return undefined
  }
  const text = (value: unknown): string =>
    Array.isArray(value) ? value.map(String).join(', ') : value === undefined ? '(none)' : String(value)
  return { issuer: text(claims['iss']), subject: text(claims['sub']), audience: text(claims['aud']) }
}

/** The message for a failed token request: code, Microsoft's description, and what to do. */
export function describeTokenFailure(response: HttpResponse, assertion?: PresentedAssertion): string {
  const parsed = parseEntraError(response.body)
  if (!parsed) {
    const retryHint = response.status >= 500 || response.status === 429 ? ' Entra ID is having trouble or throttling; try again later.' : ''
    return (
      `Entra ID answered the token request with HTTP ${response.status} and a body that is not its documented JSON error ` +
      `(${describeBody(response.body, response.headers)}). Check authority-host.${retryHint}`
    )
  }
  const code = parsed.code === undefined ? '' : `, AADSTS${parsed.code}`
  const kind = parsed.error ? ` ${parsed.error}` : ''
  const lines = [`Entra ID refused the token request (HTTP ${response.status}${code}${kind}): ${parsed.description ?? '(no description)'}`]
  const hint = parsed.code === undefined ? undefined : AADSTS_HINTS.get(parsed.code)
  if (hint) {
    lines.push(`Fix: ${hint}`)
  }
  if (assertion && parsed.code !== undefined && FEDERATION_MISMATCH.has(parsed.code)) {
    lines.push(
      `The ID token GitHub issued for this job has issuer '${assertion.issuer}', subject '${assertion.subject}' ` +
        `and audience '${assertion.audience}'. Add a federated credential to the app with exactly these values ` +
        `(no wildcards). ${FEDERATED_SUBJECT_FORMATS}`
    )
  }
  return lines.join('\n')
}

/**
 * The job's GitHub ID token, shared: every tenant's sign-in presents the same one (each tenant holds
 * its own federated credential for the same issuer, subject and audience) while it is fresh.
 */
export type IdTokenSource = () => Promise<string>

/**
 * GitHub's ID tokens live minutes and Entra refuses an expired assertion (AADSTS700024): one this
 * close to its `exp` is not presented, a new one is asked for, so a long run's later tenants still sign in.
 */
export const ID_TOKEN_RENEWAL_MS = 60_000

export function idTokenSource(app: AppSignIn, http: Http, clock: Clock): IdTokenSource {
  let idToken: Promise<string> | undefined
  /** When the token held expires (ms since the epoch); undefined while it is asked for, or when it says none. */
  let expiresAt: number | undefined
  return () => {
    if (app.credential.method !== 'oidc') {
      return Promise.reject(new ServiceError('An ID token is asked for only with OIDC sign-in.'))
    }
    if (idToken === undefined || (expiresAt !== undefined && expiresAt - clock.now() < ID_TOKEN_RENEWAL_MS)) {
      expiresAt = undefined
      idToken = requestGitHubIdToken(app.credential.idTokenRequest, app.oidcAudience, http).then(token => {
        const exp = decodeJwtClaims(token)?.['exp']
        expiresAt = typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined
        return token
      })
    }
    return idToken
  }
}

/** Obtains a bearer token for the Defender API of `tenantId` by the method the app signs in with. */
export async function acquireAccessToken(app: AppSignIn, tenantId: string, http: Http, idToken: IdTokenSource): Promise<string> {
  const { credential } = app
  switch (credential.method) {
    case 'token': {
      info('Signing in: using the bearer token given in access-token.')
      const directory = tokenDirectory(credential.accessToken)
      if (GUID.test(tenantId) && directory !== undefined && directory !== tenantId.toLowerCase()) {
        // Read with it, another tenant's score would be reported, and recorded in the history, as this one's.
        throw new ConfigurationError(
          `access-token was issued for tenant ${directory} (its tid claim), not for tenant-id ${tenantId}; it was not used. ` +
            'Pass a token obtained for the tenant in tenant-id, or set tenant-id to the tenant the token is for.'
        )
      }
      return credential.accessToken
    }
    case 'secret':
      info(`Signing in: client secret of app ${app.clientId} in tenant ${tenantId}.`)
      return requestToken(app, tenantId, http, { client_secret: credential.clientSecret })
    case 'certificate': {
      const { certificate } = credential
      info(
        `Signing in: certificate ${certificate.certificate.fingerprint256.replace(/:/g, '')} (SHA-256) of app ` +
          `${app.clientId} in tenant ${tenantId}.`
      )
      const assertion = signClientAssertion(certificate, app.clientId, tokenEndpoint(app.authorityHost, tenantId), new Date())
      addSecret(assertion)
      return requestToken(app, tenantId, http, { client_assertion_type: ASSERTION_TYPE, client_assertion: assertion })
    }
    case 'oidc': {
      info(`Signing in: GitHub OIDC federated credential of app ${app.clientId} in tenant ${tenantId}.`)
      const token = await idToken()
      const assertion = presentedAssertion(token)
      if (assertion) {
        debug(`GitHub ID token: issuer '${assertion.issuer}', subject '${assertion.subject}', audience '${assertion.audience}'.`)
      }
      return requestToken(app, tenantId, http, { client_assertion_type: ASSERTION_TYPE, client_assertion: token }, assertion)
    }
  }
}

/**
 * Asks the runner's endpoint for the job's ID token, as core.getIDToken does, but through {@link Http}:
 * core's client has no deadline, so an endpoint that stalls would hold the job until its timeout
 * (6 hours by default); here it gets timeout-seconds, max-retries and the same messages as the rest.
 */
async function requestGitHubIdToken(request: IdTokenRequest, audience: string, http: Http): Promise<string> {
  const url = new URL(request.url)
  url.searchParams.set('audience', audience)
  const response = await http.send({
    service: "GitHub's OIDC token endpoint",
    method: 'GET',
    url: url.href,
    headers: { Authorization: `Bearer ${request.bearer}`, Accept: 'application/json' }
  })
  const json = parseJson(response.body)
  const idToken = response.status === 200 && isRecord(json) ? json['value'] : undefined
  if (typeof idToken !== 'string' || idToken.length === 0) {
    // The body may hold the token itself: say what came back without echoing it.
    throw new ServiceError(
      `GitHub did not issue an ID token for audience '${audience}' (HTTP ${response.status}, the body is ${describeShape(json)}). ` +
        "Check that the job has 'permissions: id-token: write'; if it has, GitHub may be having trouble: re-run the job."
    )
  }
  addSecret(idToken)
  return idToken
}

/** Entra ID's v2.0 token endpoint of the tenant; also the `aud` of a certificate assertion. */
function tokenEndpoint(authorityHost: string, tenantId: string): string {
  return `${authorityHost}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`
}

async function requestToken(
  app: AppSignIn,
  tenantId: string,
  http: Http,
  credential: Record<string, string>,
  assertion?: PresentedAssertion
): Promise<string> {
  const url = tokenEndpoint(app.authorityHost, tenantId)
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: app.clientId,
    scope: app.scope,
    ...credential
  })
  const response = await http.send({
    service: 'Entra ID',
    method: 'POST',
    url,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: form.toString()
  })
  if (response.status !== 200) {
    throw new ServiceError(describeTokenFailure(response, assertion))
  }
  // A successful body holds the token itself: never echo it, only name what is missing.
  const json = parseJson(response.body)
  const token = isRecord(json) ? json['access_token'] : undefined
  if (typeof token !== 'string' || !/^[\x21-\x7e]+$/.test(token)) {
    throw new ServiceError(
      `Entra ID answered the token request with HTTP 200 but no usable access_token (none, or one with spaces or line breaks; the body is ${describeShape(json)}). Check authority-host.`
    )
  }
  addSecret(token)
  checkTokenTenant(token, tenantId)
  return token
}

/**
 * A token for another tenant would read another tenant's score under this one's name: when the
 * tenant is given by ID and the token says whose it is (`tid`), they must agree.
 * https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
 */
function checkTokenTenant(token: string, tenantId: string): void {
  const tid = decodeJwtClaims(token)?.['tid']
  if (GUID.test(tenantId) && typeof tid === 'string' && tid.toLowerCase() !== tenantId.toLowerCase()) {
    throw new ServiceError(
      `Entra ID issued a token for tenant ${JSON.stringify(tid).slice(0, 60)}, not for ${tenantId} (the token's tid claim). ` +
        'Check authority-host and tenant-id; the token was not used.'
    )
  }
}

/**
 * The directory (tenant) ID a token was issued in, its `tid` claim in lower case: the one key of a
 * tenant however tenant-id spells it (a GUID or any of its verified domains). Undefined when the
 * token says none.
 */
export function tokenDirectory(token: string): string | undefined {
  const tid = decodeJwtClaims(token)?.['tid']
  return typeof tid === 'string' && GUID.test(tid) ? tid.toLowerCase() : undefined
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
