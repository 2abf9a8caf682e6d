/** How the app signs in: the credential, once `auto` is resolved, and what each needs. */
import type { ClientCertificate } from './certificate.js'

export const AUTH_METHODS = ['auto', 'oidc', 'secret', 'certificate', 'token'] as const
export type AuthMethodInput = (typeof AUTH_METHODS)[number]
/** The credential actually used, once `auto` is resolved. */
export type AuthMethod = Exclude<AuthMethodInput, 'auto'>

/** The credential the access token is obtained with, once `auto` is resolved. */
export type Credential =
  | { method: 'oidc'; idTokenRequest: IdTokenRequest }
  | { method: 'secret'; clientSecret: string }
  | { method: 'certificate'; certificate: ClientCertificate }
  | { method: 'token'; accessToken: string }

/** Where the runner lets this job ask GitHub for an OIDC ID token (id-token: write). */
export interface IdTokenRequest {
  /** ACTIONS_ID_TOKEN_REQUEST_URL; the audience is appended as a query parameter. */
  url: string
  /** ACTIONS_ID_TOKEN_REQUEST_TOKEN, the runner's bearer for that URL. */
  bearer: string
}

/** The one app registration that signs in to every tenant (a multi-tenant app for more than one). */
export interface AppSignIn {
  credential: Credential
  /** Application (client) ID of the Entra app registration; empty only with `token`. */
  clientId: string
  /** Audience requested for GitHub's OIDC token. */
  oidcAudience: string
  /** Entra ID authority host, without a trailing slash. */
  authorityHost: string
  /** Scope asked for in the client-credentials grant (`<app id URI>/.default`). */
  scope: string
}
