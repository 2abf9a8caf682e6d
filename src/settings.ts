import * as core from '@actions/core'
import { parseClientCertificate, type ClientCertificate } from './certificate.js'
import { cloudEndpoints, CLOUDS, REGIONS, type Cloud, type Region } from './clouds.js'
import { isAbsolute, resolve } from 'node:path'
import { ConfigurationError } from './errors.js'
import { mayCarryTokens } from './url-policy.js'

/** Every input in action.yml; the rest of the code sees only {@link Settings}. */
export const INPUT_NAMES = [
  'tenant-id',
  'client-id',
  'client-secret',
  'client-certificate',
  'client-certificate-password',
  'access-token',
  'auth-method',
  'oidc-audience',
  'cloud',
  'region',
  'api-url',
  'authority-host',
  'scope',
  'min-score',
  'fail-on-low-score',
  'include-exposure-score',
  'max-exposure-score',
  'recommendations',
  'history-file',
  'max-drop',
  'badge-file',
  'comment-on-pr',
  'github-token',
  'job-summary',
  'timeout-seconds',
  'max-retries'
] as const

export type InputName = (typeof INPUT_NAMES)[number]
export type RawInputs = Record<InputName, string>

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

/** Where the sticky comment goes: the token, and what the runner says about this run. */
export interface PullRequestCommentTarget {
  token: string
  /** GITHUB_API_URL: api.github.com, or GitHub Enterprise Server's /api/v3. */
  apiUrl: string
  /** GITHUB_EVENT_NAME: only pull_request and pull_request_target runs are commented on. */
  eventName: string
  /** GITHUB_EVENT_PATH: the event payload, which holds the pull request's number. */
  eventPath: string
  /** GITHUB_REPOSITORY: owner/name. */
  repository: string
}

export interface Settings {
  /** How the access token is obtained (secrets masked as soon as read). */
  credential: Credential
  /** Directory (tenant) ID or verified domain; empty only with `token`. */
  tenantId: string
  /** Application (client) ID of the Entra app registration; empty only with `token`. */
  clientId: string
  /** Audience requested for GitHub's OIDC token. */
  oidcAudience: string
  /** The Microsoft cloud, which picks the default hosts and scope. */
  cloud: Cloud
  /** Regional API host of the commercial cloud, if one was asked for. */
  region: Region | undefined
  /** Defender API base URL, without a trailing slash. */
  apiUrl: string
  /** Entra ID authority host, without a trailing slash. */
  authorityHost: string
  /** Scope asked for in the client-credentials grant (`<app id URI>/.default`). */
  scope: string
  /** Lowest passing score; undefined means no gate. */
  minScore: number | undefined
  /** false turns a failed check (score, exposure, drop) into a warning. */
  failOnLowScore: boolean
  /** Whether to read the exposure score (asked for, or needed by `maxExposureScore`). */
  includeExposureScore: boolean
  /** Highest passing exposure score (lower is better); undefined means no gate. */
  maxExposureScore: number | undefined
  /** How many top recommendations to show; 0 skips the request. */
  recommendations: number
  /** Absolute path of the JSON Lines file of earlier readings, if kept. */
  historyFile: string | undefined
  /** Largest allowed fall of the score since the previous reading; undefined means no gate. */
  maxDrop: number | undefined
  /** Absolute path to write the SVG badge to, if asked. */
  badgeFile: string | undefined
  /** Where and how to keep the sticky pull-request comment, if asked. */
  pullRequestComment: PullRequestCommentTarget | undefined
  /** Whether to write the job summary. */
  jobSummary: boolean
  /** This workflow run's page, linked from the comment; undefined off a runner. */
  runUrl: string | undefined
  /** Time allowed for each HTTP request, in milliseconds. */
  timeoutMs: number
  /** Retries after a 429, a 5xx or a network failure. */
  maxRetries: number
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DOMAIN = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i
const MAX_TIMEOUT_SECONDS = 600
const MAX_RETRIES = 10
const MAX_RECOMMENDATIONS = 50

/** Reads every input through `@actions/core`, masking secrets before anything else can print them. */
export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const raw = Object.fromEntries(INPUT_NAMES.map(name => [name, core.getInput(name)])) as RawInputs
  for (const secret of secretFragments(raw)) {
    core.setSecret(secret)
  }
  const runnerBearer = env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']
  if (runnerBearer) {
    core.setSecret(runnerBearer)
  }
  return parseSettings(raw, env, new Date())
}

/**
 * What to mask. A multi-line value is masked line by line too, as the runner may log it a line at a
 * time; the PEM armour lines are public and would only garble the log.
 */
export function secretFragments(raw: RawInputs): string[] {
  const values = [
    raw['client-secret'],
    raw['access-token'],
    raw['client-certificate-password'],
    raw['client-certificate'],
    raw['github-token']
  ]
  const lines = raw['client-certificate']
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line.length >= 8 && !line.startsWith('-----'))
  return [...values, ...lines].filter(value => value.length > 0)
}

/** Validates raw inputs; throws {@link ConfigurationError} naming the input and the fix. */
export function parseSettings(raw: RawInputs, env: NodeJS.ProcessEnv, now: Date): Settings {
  const cloud = parseChoice('cloud', raw.cloud || 'commercial', CLOUDS)
  const region = parseRegion(raw.region, cloud)
  const endpoints = cloudEndpoints(cloud, region)
  const authMethod = resolveAuthMethod(parseChoice('auth-method', raw['auth-method'], AUTH_METHODS), raw)

  const needsApp = authMethod !== 'token'
  const tenantId = parseTenantId(raw['tenant-id'], needsApp, authMethod)
  const clientId = parseClientId(raw['client-id'], needsApp, authMethod)
  const credential = parseCredential(authMethod, raw, env, now)
  const workspace = env['GITHUB_WORKSPACE'] || process.cwd()
  const maxExposureScore = parseOptionalNumber('max-exposure-score', raw['max-exposure-score'], 50)
  const commentOnPr = parseBoolean('comment-on-pr', raw['comment-on-pr'])

  return {
    credential,
    tenantId,
    clientId,
    oidcAudience: parseRequired('oidc-audience', raw['oidc-audience'], 'api://AzureADTokenExchange'),
    cloud,
    region,
    apiUrl: parseServiceUrl('api-url', raw['api-url'] || endpoints.apiUrl, endpoints.apiUrl),
    authorityHost: parseServiceUrl('authority-host', raw['authority-host'] || endpoints.authorityHost, endpoints.authorityHost),
    scope: parseScope(raw.scope || endpoints.scope, endpoints.scope),
    minScore: parseOptionalNumber('min-score', raw['min-score'], 400),
    failOnLowScore: parseBoolean('fail-on-low-score', raw['fail-on-low-score']),
    includeExposureScore: parseBoolean('include-exposure-score', raw['include-exposure-score']) || maxExposureScore !== undefined,
    maxExposureScore,
    recommendations: parseCount('recommendations', raw.recommendations, MAX_RECOMMENDATIONS, 5),
    historyFile: parseOptionalPath('history-file', raw['history-file'], workspace),
    maxDrop: parseOptionalNumber('max-drop', raw['max-drop'], 10),
    badgeFile: parseOptionalPath('badge-file', raw['badge-file'], workspace),
    pullRequestComment: commentOnPr ? parsePullRequestComment(raw['github-token'], env) : undefined,
    jobSummary: parseBoolean('job-summary', raw['job-summary']),
    runUrl: readRunUrl(env),
    timeoutMs: parseTimeoutSeconds(raw['timeout-seconds']) * 1000,
    maxRetries: parseCount('max-retries', raw['max-retries'], MAX_RETRIES, 3)
  }
}

function resolveAuthMethod(method: AuthMethodInput, raw: RawInputs): AuthMethod {
  switch (method) {
    case 'auto':
      if (raw['access-token']) return 'token'
      if (raw['client-certificate']) return 'certificate'
      if (raw['client-secret']) return 'secret'
      return 'oidc'
    case 'token':
      if (!raw['access-token']) {
        throw new ConfigurationError(
          "auth-method is 'token' but access-token is empty. Pass access-token, or use auth-method 'auto'."
        )
      }
      return method
    case 'secret':
      if (!raw['client-secret']) {
        throw new ConfigurationError(
          "auth-method is 'secret' but client-secret is empty. Pass client-secret: ${{ secrets.AZURE_CLIENT_SECRET }} " +
            "(a secret that does not exist in this repository evaluates to empty), or use auth-method 'oidc'."
        )
      }
      return method
    case 'certificate':
      if (!raw['client-certificate']) {
        throw new ConfigurationError(
          "auth-method is 'certificate' but client-certificate is empty. Pass client-certificate: " +
            '${{ secrets.AZURE_CLIENT_CERTIFICATE }} (PEM text with the private key and the certificate).'
        )
      }
      return method
    case 'oidc':
      return method
  }
}

function parseCredential(method: AuthMethod, raw: RawInputs, env: NodeJS.ProcessEnv, now: Date): Credential {
  switch (method) {
    case 'oidc':
      return { method, idTokenRequest: readIdTokenRequest(env) }
    case 'secret':
      return { method, clientSecret: raw['client-secret'] }
    case 'certificate':
      return { method, certificate: parseClientCertificate(raw['client-certificate'], raw['client-certificate-password'], now) }
    case 'token':
      return { method, accessToken: raw['access-token'] }
  }
}

function parsePullRequestComment(token: string, env: NodeJS.ProcessEnv): PullRequestCommentTarget {
  if (!token) {
    throw new ConfigurationError(
      'comment-on-pr is true but github-token is empty. Leave github-token at its default (${{ github.token }}) ' +
        "and give the job 'permissions: pull-requests: write', or set comment-on-pr to false."
    )
  }
  const apiUrl = env['GITHUB_API_URL'] || 'https://api.github.com'
  return {
    token,
    apiUrl: parseServiceUrl('GITHUB_API_URL', apiUrl, 'https://api.github.com'),
    eventName: env['GITHUB_EVENT_NAME'] ?? '',
    eventPath: env['GITHUB_EVENT_PATH'] ?? '',
    repository: env['GITHUB_REPOSITORY'] ?? ''
  }
}

function parseOptionalPath(name: InputName, value: string, workspace: string): string | undefined {
  if (!value) {
    return undefined
  }
  if (value.includes('\0') || /[\\/]$/.test(value)) {
    throw new ConfigurationError(`Invalid ${name} '${value}'. Expected a file path relative to the workspace, such as .github/secure-score/${name === 'badge-file' ? 'badge.svg' : 'history.jsonl'}.`)
  }
  return isAbsolute(value) ? value : resolve(workspace, value)
}

function parseCount(name: InputName, value: string, max: number, example: number): number {
  if (!/^\d+$/.test(value) || Number(value) > max) {
    throw new ConfigurationError(`Invalid ${name} '${value}'. Expected a whole number from 0 to ${max}, such as ${example}.`)
  }
  return Number(value)
}

function parseRegion(value: string, cloud: Cloud): Region | undefined {
  if (!value) {
    return undefined
  }
  const region = parseChoice('region', value, REGIONS)
  if (cloud !== 'commercial') {
    throw new ConfigurationError(
      `Invalid region '${value}' with cloud '${cloud}': regions apply to the commercial cloud only. ` +
        "Remove region, or set cloud to 'commercial'."
    )
  }
  return region
}

function parseTenantId(value: string, required: boolean, method: AuthMethod): string {
  if (!value) {
    if (required) {
      throw new ConfigurationError(
        `Missing tenant-id: auth-method '${method}' needs it. Expected the directory (tenant) ID of your Entra tenant ` +
          '(a GUID) or one of its verified domains such as contoso.onmicrosoft.com.'
      )
    }
    return ''
  }
  if (!GUID.test(value) && !DOMAIN.test(value)) {
    throw new ConfigurationError(
      `Invalid tenant-id '${value}'. Expected the directory (tenant) ID, a GUID such as ` +
        "00000000-0000-0000-0000-000000000000, or a verified domain such as contoso.onmicrosoft.com ('common' " +
        "and 'organizations' do not work for app sign-in)."
    )
  }
  return value
}

function parseClientId(value: string, required: boolean, method: AuthMethod): string {
  if (!value) {
    if (required) {
      throw new ConfigurationError(
        `Missing client-id: auth-method '${method}' needs it. Expected the application (client) ID of the Entra app ` +
          'registration, a GUID shown on its Overview page.'
      )
    }
    return ''
  }
  if (!GUID.test(value)) {
    throw new ConfigurationError(
      `Invalid client-id '${value}'. Expected the application (client) ID of the Entra app registration, a GUID such ` +
        'as 00000000-0000-0000-0000-000000000000 (not the secret ID nor the object ID).'
    )
  }
  return value
}

function readRunUrl(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env
  return server && repository && runId ? `${server}/${repository}/actions/runs/${runId}` : undefined
}

function readIdTokenRequest(env: NodeJS.ProcessEnv): IdTokenRequest {
  const url = env['ACTIONS_ID_TOKEN_REQUEST_URL']
  const bearer = env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']
  if (!url || !bearer) {
    throw new ConfigurationError(
      'OIDC sign-in needs an ID token from GitHub, but ACTIONS_ID_TOKEN_REQUEST_URL is not set. ' +
        "Add 'permissions: id-token: write' to the job (with 'contents: read' if the job checks out code), " +
        'or pass client-secret to sign in with a secret instead. ' +
        'Pull requests from forks never get an ID token.'
    )
  }
  if (!URL.canParse(url) || !mayCarryTokens(new URL(url))) {
    throw new ConfigurationError(
      'ACTIONS_ID_TOKEN_REQUEST_URL, set by the runner, is not an https:// URL. Check the runner, or that no step overwrote it.'
    )
  }
  return { url, bearer }
}

function parseChoice<T extends string>(name: InputName, value: string, choices: readonly T[]): T {
  const match = choices.find(choice => choice === value.toLowerCase())
  if (match === undefined) {
    throw new ConfigurationError(`Invalid ${name} '${value}'. Expected one of: ${choices.join(', ')}.`)
  }
  return match
}

function parseRequired(name: InputName, value: string, example: string): string {
  if (!value) {
    throw new ConfigurationError(`Missing ${name}. Expected a value such as ${example} (or remove the input to use the default).`)
  }
  return value
}

function parseServiceUrl(name: InputName | 'GITHUB_API_URL', value: string, example: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new ConfigurationError(`Invalid ${name} '${value}'. Expected an absolute https:// URL such as ${example}.`)
  }
  if (url.username || url.password) {
    throw new ConfigurationError(`Invalid ${name}: it must not contain a user name or password. Expected a URL such as ${example}.`)
  }
  if (!mayCarryTokens(url)) {
    throw new ConfigurationError(
      `Invalid ${name} '${value}'. Expected an https:// URL such as ${example}: tokens must not travel in clear text ` +
        '(http:// is accepted only for loopback hosts such as 127.0.0.1).'
    )
  }
  if (url.search || url.hash) {
    throw new ConfigurationError(`Invalid ${name} '${value}'. Expected a base URL without a query or fragment, such as ${example}.`)
  }
  return url.href.replace(/\/+$/, '')
}

function parseScope(value: string, example: string): string {
  if (!value.endsWith('/.default') || /\s/.test(value)) {
    throw new ConfigurationError(
      `Invalid scope '${value}'. Expected the API's application ID URI followed by /.default, such as ${example}: ` +
        'the client-credentials grant accepts only .default scopes.'
    )
  }
  return value
}

function parseOptionalNumber(name: InputName, value: string, example: number): number | undefined {
  if (!value) {
    return undefined
  }
  const number = Number(value)
  if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(number)) {
    throw new ConfigurationError(
      `Invalid ${name} '${value}'. Expected a non-negative number of points such as ${example}, or leave it empty for no threshold.`
    )
  }
  return number
}

function parseBoolean(name: InputName, value: string): boolean {
  // The YAML 1.2 core schema spellings, as core.getBooleanInput accepts.
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw new ConfigurationError(`Invalid ${name} '${value}'. Expected true or false.`)
}

function parseTimeoutSeconds(value: string): number {
  const seconds = Number(value)
  if (!value || !Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_TIMEOUT_SECONDS) {
    throw new ConfigurationError(
      `Invalid timeout-seconds '${value}'. Expected a number of seconds greater than 0 and at most ${MAX_TIMEOUT_SECONDS}, such as 30.`
    )
  }
  return seconds
}
