import * as core from '@actions/core'
import { relative, resolve, sep } from 'node:path'
import { addSecret } from '../secrets.js'
import { cloudEndpoints, CLOUDS, REGIONS, type Cloud, type Region } from './clouds.js'
import { ConfigurationError } from '../errors.js'
import { insideWorkspace } from '../files/workspace.js'
import { checkServiceUrl } from '../net/url-policy.js'
import { parseClientCertificate } from '../signin/certificate.js'
import { parsePullRequestComment, readGitHubTarget, readIdTokenRequest, readRunKey, readRunUrl } from './runner.js'
import type { DeviceGroupSelection } from '../sources/device-groups/answers.js'
import { AUTH_METHODS, type AuthMethod, type AuthMethodInput, type Credential } from '../signin/credentials.js'
import { DEFAULT_BRANCH_HISTORY_FILE, type HistoryStore, type Settings } from './settings.js'
import type { Tenant } from '../tenants/tenant.js'
import type { CheckDefinition } from '../checks/check.js'
import { CHECKS, neededSources, type Limits } from '../checks/registry.js'
import { MAX_STALE_AFTER_DAYS, parseTenants } from './tenants.js'
import { badgeFileName } from '../report/badge.js'
import { SEVERITIES } from '../sources/vulnerabilities/answers.js'

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
  'explain-score-change',
  'history-file',
  'history-branch',
  'max-drop',
  'badge-file',
  'comment-on-pr',
  'issue-on-failure',
  'device-groups',
  'max-device-group-exposure-score',
  'vulnerabilities',
  'vulnerability-severity',
  'max-exploitable-vulnerabilities',
  'max-new-exploitable-vulnerabilities',
  'max-exploitable-vulnerability-age-days',
  'devices',
  'stale-after-days',
  'min-active-devices-percent',
  'max-active-devices-drop-percent',
  'accepted-risks',
  'accepted-risks-max-days',
  'accepted-risks-warn-days',
  'github-token',
  'job-summary',
  'timeout-seconds',
  'max-retries'
] as const

export type InputName = (typeof INPUT_NAMES)[number]
export type RawInputs = Record<InputName, string>

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DOMAIN = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i
const MAX_TIMEOUT_SECONDS = 600
const MAX_RETRIES = 10
const MAX_RECOMMENDATIONS = 50
const MAX_LISTED_VULNERABILITIES = 100
/** The longest an acceptance may last: ten years is no longer an acceptance with an expiry. */
const MAX_ACCEPTANCE_DAYS = 3650

/** Reads every input through `@actions/core`, masking secrets before anything else can print them. */
export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const raw = Object.fromEntries(INPUT_NAMES.map(name => [name, core.getInput(name)])) as RawInputs
  for (const secret of secretFragments(raw)) {
    addSecret(secret)
  }
  const runnerBearer = env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']
  if (runnerBearer) {
    addSecret(runnerBearer)
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
  const defaults: Limits = Object.fromEntries(CHECKS.map(check => [check.id, parseLimit(check, raw[check.id])]))
  const tenants = parseTenantInput(raw['tenant-id'], needsApp, authMethod, defaults)
  const clientId = parseAppIdentifier(CLIENT_ID, raw['client-id'], needsApp, authMethod)
  const credential = parseCredential(authMethod, raw, env, now)
  const workspace = env['GITHUB_WORKSPACE'] || process.cwd()
  const commentOnPr = parseBoolean('comment-on-pr', raw['comment-on-pr'])
  const history = parseHistoryStore(raw, env, workspace)
  for (const check of CHECKS.filter(definition => definition.needs.history)) {
    const compared = tenants.find(tenant => tenant.limits[check.id] !== undefined)
    if (compared && history === undefined) {
      throw new ConfigurationError(
        `${check.id} '${compared.limits[check.id]}' needs a history to compare with. Set history-branch (kept on a branch of this repository) or ` +
          `history-file (a file in the workspace that later runs also see), or remove ${check.id}.`
      )
    }
  }
  const needed = new Set(tenants.flatMap(tenant => [...neededSources(tenant.limits)]))
  const listedVulnerabilities = parseCount('vulnerabilities', raw.vulnerabilities || '0', MAX_LISTED_VULNERABILITIES, 10)
  const vulnerabilitySeverity = parseChoice('vulnerability-severity', raw['vulnerability-severity'] || 'critical', SEVERITIES)
  const readsVulnerabilities = listedVulnerabilities > 0 || needed.has('vulnerabilities')

  return {
    app: {
      credential,
      clientId,
      oidcAudience: parseRequired('oidc-audience', raw['oidc-audience'], 'api://AzureADTokenExchange'),
      authorityHost: checkServiceUrl('authority-host', raw['authority-host'] || endpoints.authorityHost, endpoints.authorityHost),
      scope: parseScope(raw.scope || endpoints.scope, endpoints.scope)
    },
    tenants,
    cloud,
    region,
    apiUrl: checkServiceUrl('api-url', raw['api-url'] || endpoints.apiUrl, endpoints.apiUrl),
    failOnLowScore: parseBoolean('fail-on-low-score', raw['fail-on-low-score']),
    includeExposureScore: parseBoolean('include-exposure-score', raw['include-exposure-score']) || needed.has('exposure'),
    recommendations: parseCount('recommendations', raw.recommendations, MAX_RECOMMENDATIONS, 5),
    explainScoreChange: parseExplainScoreChange(raw['explain-score-change'], history !== undefined),
    vulnerabilitySeverity: readsVulnerabilities ? vulnerabilitySeverity : undefined,
    listedVulnerabilities,
    workspace,
    history,
    badgeFile: checkBadgeNames(parseOptionalPath('badge-file', raw['badge-file'], workspace), raw['badge-file'], tenants),
    pullRequestComment: commentOnPr ? parsePullRequestComment(raw['github-token'], env) : undefined,
    trackingIssue: parseBoolean('issue-on-failure', raw['issue-on-failure'])
      ? readGitHubTarget(requireGitHubToken('issue-on-failure', 'issues: write', raw['github-token']), env)
      : undefined,
    deviceGroups: parseDeviceGroups(raw['device-groups'], needed.has('deviceGroups')),
    devices: parseCoverage(parseBoolean('devices', raw.devices) || needed.has('devices'), raw['stale-after-days']),
    acceptedRisks: parseAcceptedRisks(raw, env, workspace),
    jobSummary: parseBoolean('job-summary', raw['job-summary']),
    runUrl: readRunUrl(env),
    runKey: readRunKey(env),
    timeoutMs: parseTimeoutSeconds(raw['timeout-seconds']) * 1000,
    maxRetries: parseCount('max-retries', raw['max-retries'], MAX_RETRIES, 3)
  }
}

/**
 * tenant-id: one tenant as before (its errors unchanged), or several lines with settings. Empty only
 * with an access token, which also allows no more than one tenant (a token is for one tenant).
 */
function parseTenantInput(value: string, required: boolean, method: AuthMethod, defaults: Limits): Tenant[] {
  const single = value.trim()
  const firstToken = single.split(/\s/)[0] ?? ''
  if (!/[\s,]/.test(single) || (!/[\n\r,]/.test(single) && !TENANT_ID.valid(firstToken))) {
    // One tenant, or one line that does not start with one: the message names the whole value, as it always has.
    const id = parseAppIdentifier(TENANT_ID, single, required, method)
    return [{ id, label: id, limits: defaults }]
  }
  const tenants = parseTenants(value, defaults, TENANT_ID.valid, (id, text) => {
    const check = CHECKS.find(definition => definition.id === id)
    return check && parseLimit(check, text)
  })
  if (tenants.length === 0) {
    // Only separators: as empty as no tenant-id at all.
    const id = parseAppIdentifier(TENANT_ID, '', required, method)
    return [{ id, label: id, limits: defaults }]
  }
  if (tenants.length > 1 && method === 'token') {
    throw new ConfigurationError(
      `tenant-id lists ${tenants.length} tenants, but auth-method 'token' uses one access token, which is for one tenant. ` +
        'Sign in with the app (oidc, secret or certificate) to read several tenants, or list one tenant.'
    )
  }
  return tenants
}

/**
 * badge-file with `{tenant}` writes one badge per tenant, named after its label made safe for a file
 * name: two labels that make the same name would overwrite each other's badge (or, suffixed, swap
 * badges when the lines are reordered), so they are refused.
 */
function checkBadgeNames(path: string | undefined, value: string, tenants: Tenant[]): string | undefined {
  if (!path?.includes('{tenant}')) {
    return path
  }
  const used = new Map<string, Tenant>()
  for (const [index, tenant] of tenants.entries()) {
    const name = badgeFileName(tenant.label, index)
    const earlier = used.get(name.toLowerCase())
    if (earlier) {
      throw new ConfigurationError(
        `Invalid badge-file '${value}': the tenants '${earlier.label}' and '${tenant.label}' would both write the badge ` +
          `'${value.replaceAll('{tenant}', name)}'. Give one of them another name= in tenant-id (letters, digits, '.', '_' and '-' are kept in file names).`
      )
    }
    used.set(name.toLowerCase(), tenant)
  }
  return path
}

/** A path inside the history branch: relative, with no `..`, no empty part and nothing git refuses. */
const BRANCH_PATH = /^(?!\/)(?!.*(?:^|\/)\.\.?(?:\/|$))(?!.*\/\/)[A-Za-z0-9._/-]+(?<!\/)$/
/**
 * A branch name as `git check-ref-format --branch` accepts it: no part starts with `.` or ends with
 * `.lock`, no `..`, `@{`, `//`, control character, space or any of ~^:?*[\ ; not `@`, not `HEAD`,
 * not starting with `-` or ending with `/` or `.`. https://git-scm.com/docs/git-check-ref-format
 */
export function isValidBranchName(name: string): boolean {
  return (
    name.length > 0 &&
    name !== '@' &&
    name !== 'HEAD' &&
    !name.startsWith('-') &&
    !name.endsWith('/') &&
    !name.endsWith('.') &&
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what git refuses in a name.
    !/\.\.|@\{|\/\/|[\x00-\x20\x7f~^:?*[\\]/.test(name) &&
    name.split('/').every(part => part.length > 0 && !part.startsWith('.') && !part.endsWith('.lock'))
  )
}

/** Where the history is kept, when it is: a workspace file, or a file on a branch of the repository. */
function parseHistoryStore(raw: RawInputs, env: NodeJS.ProcessEnv, workspace: string): HistoryStore | undefined {
  const branch = raw['history-branch']
  if (!branch) {
    const path = parseOptionalPath('history-file', raw['history-file'], workspace)
    return path === undefined ? undefined : { kind: 'file', path }
  }
  if (!isValidBranchName(branch)) {
    throw new ConfigurationError(
      `Invalid history-branch '${branch}'. Expected a branch name git accepts, such as secure-score-history or compliance/secure-score ` +
        "(no part starting with '.' or ending with '.lock', no '..', spaces or ~^:?*[\\, not HEAD)."
    )
  }
  const path = raw['history-file'] || DEFAULT_BRANCH_HISTORY_FILE
  if (!BRANCH_PATH.test(path)) {
    throw new ConfigurationError(
      `Invalid history-file '${path}' with history-branch: expected a path inside the branch, such as ${DEFAULT_BRANCH_HISTORY_FILE} ` +
        '(relative, without .. or a leading /).'
    )
  }
  const github = readGitHubTarget(requireGitHubToken('history-branch', 'contents: write', raw['github-token']), env)
  if (!/^[^/]+\/[^/]+$/.test(github.repository)) {
    throw new ConfigurationError(
      'history-branch needs GITHUB_REPOSITORY (owner/name), which the runner sets: run the action in a GitHub workflow.'
    )
  }
  return { kind: 'branch', branch, path, github }
}

function requireGitHubToken(input: InputName, permission: string, token: string): string {
  if (!token) {
    throw new ConfigurationError(
      `${input} is set but github-token is empty. Leave github-token at its default (\${{ github.token }}) and give the job ` +
        `'permissions: ${permission}', or unset ${input}.`
    )
  }
  return token
}

/**
 * `*` for every group, or names separated by commas or new lines. max-device-group-exposure-score
 * alone checks every group, as max-exposure-score alone reads the exposure score.
 */
function parseDeviceGroups(value: string, checked: boolean): DeviceGroupSelection | undefined {
  const names = value
    .split(/[,\n]/)
    .map(name => name.trim())
    .filter(name => name.length > 0)
  if (names.length === 0) {
    return checked ? { all: true } : undefined
  }
  if (names.includes('*')) {
    if (names.length > 1) {
      throw new ConfigurationError(
        `Invalid device-groups '${value}'. Expected '*' alone for every group, or group names separated by commas.`
      )
    }
    return { all: true }
  }
  return { all: false, names: [...new Set(names)] }
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
        throw new ConfigurationError("auth-method is 'token' but access-token is empty. Pass access-token, or use auth-method 'auto'.")
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
      if (!/^[\x21-\x7e]+$/.test(raw['access-token'])) {
        throw new ConfigurationError(
          'Invalid access-token: it holds a space, a line break or another character a bearer token cannot have. ' +
            "Pass the token alone (an earlier step's output often ends with a line break: trim it)."
        )
      }
      return { method, accessToken: raw['access-token'] }
  }
}

function parseOptionalPath(name: InputName, value: string, workspace: string): string | undefined {
  if (!value) {
    return undefined
  }
  const example = `.github/secure-score/${name === 'badge-file' ? 'badge.svg' : 'history.jsonl'}`
  if (value.includes('\0') || /[\\/]$/.test(value)) {
    throw new ConfigurationError(`Invalid ${name} '${value}'. Expected a file path relative to the workspace, such as ${example}.`)
  }
  const path = insideWorkspace(value, workspace)
  if (path === undefined) {
    throw new ConfigurationError(
      `Invalid ${name} '${value}': it is outside the workspace (${workspace}). Expected a path inside it, such as ${example}: ` +
        'the action writes only where the job checked out its files.'
    )
  }
  return path
}

/** accepted-risks: its path in the repository, its bounds, and what the runner says of the event (where it is read from). */
function parseAcceptedRisks(raw: RawInputs, env: NodeJS.ProcessEnv, workspace: string): Settings['acceptedRisks'] {
  const value = raw['accepted-risks']
  if (!value) {
    return undefined
  }
  const example = '.github/accepted-risks.yml'
  const workspacePath = insideWorkspace(value, workspace)
  if (value.includes('\0') || /[\\/]$/.test(value) || workspacePath === undefined || workspacePath === resolve(workspace)) {
    throw new ConfigurationError(
      `Invalid accepted-risks '${value}'. Expected the path of a YAML file in the repository, relative to its root, such as ${example}.`
    )
  }
  const maxDays = parseCount('accepted-risks-max-days', raw['accepted-risks-max-days'], MAX_ACCEPTANCE_DAYS, 365, 1)
  return {
    path: relative(workspace, workspacePath).split(sep).join('/'),
    workspacePath,
    workspace,
    maxDays,
    warnDays: parseCount('accepted-risks-warn-days', raw['accepted-risks-warn-days'], MAX_ACCEPTANCE_DAYS, 14),
    eventName: env['GITHUB_EVENT_NAME'] ?? '',
    eventPath: env['GITHUB_EVENT_PATH'] ?? '',
    github: raw['github-token'] ? readGitHubTarget(raw['github-token'], env) : undefined
  }
}

/** explain-score-change: true by default when a history is kept (what the change is measured against); asked for without one, an error. */
function parseExplainScoreChange(value: string, historyKept: boolean): boolean {
  if (!value) {
    return historyKept
  }
  const explain = parseBoolean('explain-score-change', value)
  if (explain && !historyKept) {
    throw new ConfigurationError(
      "explain-score-change 'true' needs a history to compare with. Set history-branch or history-file, or leave explain-score-change empty."
    )
  }
  return explain
}

/** Coverage: whether it is read (devices, or a coverage check of any tenant), and when a device counts as stale. */
function parseCoverage(asked: boolean, staleAfterDays: string): Settings['devices'] {
  // stale-after-days is read only when coverage is: an input of a feature that is off is not validated.
  return { asked, staleAfterDays: asked ? parseCount('stale-after-days', staleAfterDays, MAX_STALE_AFTER_DAYS, 7, 1) : 7 }
}

function parseCount(name: InputName, value: string, max: number, example: number, min = 0): number {
  if (!/^\d+$/.test(value) || Number(value) > max || Number(value) < min) {
    throw new ConfigurationError(`Invalid ${name} '${value}'. Expected a whole number from ${min} to ${max}, such as ${example}.`)
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

/** An identifier of the Entra app: what it must look like, and how to say so. */
interface AppIdentifier {
  name: 'tenant-id' | 'client-id'
  valid: (value: string) => boolean
  /** What a missing value should have been. */
  missing: string
  /** What an invalid value should have been. */
  invalid: string
}

const TENANT_ID: AppIdentifier = {
  name: 'tenant-id',
  valid: value => GUID.test(value) || DOMAIN.test(value),
  missing: 'the directory (tenant) ID of your Entra tenant (a GUID) or one of its verified domains such as contoso.onmicrosoft.com',
  invalid:
    "the directory (tenant) ID, a GUID such as 00000000-0000-0000-0000-000000000000, or a verified domain such as contoso.onmicrosoft.com ('common' " +
    "and 'organizations' do not work for app sign-in)"
}

const CLIENT_ID: AppIdentifier = {
  name: 'client-id',
  valid: value => GUID.test(value),
  missing: 'the application (client) ID of the Entra app registration, a GUID shown on its Overview page',
  invalid:
    'the application (client) ID of the Entra app registration, a GUID such as 00000000-0000-0000-0000-000000000000 (not the secret ID nor the object ID)'
}

/** tenant-id or client-id: empty only when the sign-in method needs no app (an access token). */
function parseAppIdentifier(identifier: AppIdentifier, value: string, required: boolean, method: AuthMethod): string {
  if (!value) {
    if (required) {
      throw new ConfigurationError(`Missing ${identifier.name}: auth-method '${method}' needs it. Expected ${identifier.missing}.`)
    }
    return ''
  }
  if (!identifier.valid(value)) {
    throw new ConfigurationError(`Invalid ${identifier.name} '${value}'. Expected ${identifier.invalid}.`)
  }
  return value
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

function parseScope(value: string, example: string): string {
  if (!value.endsWith('/.default') || /\s/.test(value)) {
    throw new ConfigurationError(
      `Invalid scope '${value}'. Expected the API's application ID URI followed by /.default, such as ${example}: ` +
        'the client-credentials grant accepts only .default scopes.'
    )
  }
  return value
}

function parseOptionalNumber(name: string, value: string, example: number): number | undefined {
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

/** A check's limit: a number of points, or a whole number of vulnerabilities, as the check says; empty for none. */
function parseLimit(check: CheckDefinition, value: string): number | undefined {
  if (check.unit === 'points') {
    return parseOptionalNumber(check.id, value, check.example)
  }
  if (check.unit === 'percent') {
    const percent = parseOptionalNumber(check.id, value, check.example)
    if (percent !== undefined && percent > 100) {
      throw new ConfigurationError(`Invalid ${check.id} '${value}'. Expected a percentage from 0 to 100 such as ${check.example}.`)
    }
    return percent
  }
  if (!value) {
    return undefined
  }
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    const what = check.unit === 'days' ? 'days' : 'vulnerabilities'
    throw new ConfigurationError(
      `Invalid ${check.id} '${value}'. Expected a whole number of ${what} such as ${check.example}${check.unit === 'days' ? '' : ' (none allowed)'}, or leave it empty for no limit.`
    )
  }
  return Number(value)
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
