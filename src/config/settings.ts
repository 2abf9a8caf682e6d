/**
 * The configuration of one run, as the rest of the action sees it: typed, validated, secrets
 * already masked. Read from the inputs by ./inputs.ts and from the runner's environment by ./runner.ts.
 */
import type { ClientCertificate } from '../signin/certificate.js'
import type { Cloud, Region } from '../defender/clouds.js'
import type { GitHubTarget } from '../github/api.js'

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

/** Where the sticky comment goes: GitHub's API, and what the runner says about this run. */
export interface PullRequestCommentTarget {
  github: GitHubTarget
  /** GITHUB_EVENT_NAME: only pull_request and pull_request_target runs are commented on. */
  eventName: string
  /** GITHUB_EVENT_PATH: the event payload, which holds the pull request's number. */
  eventPath: string
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
  /** GITHUB_WORKSPACE: files the action reads or writes stay inside it. */
  workspace: string
  /** Where the JSON Lines history of earlier readings is kept, if it is. */
  history: HistoryStore | undefined
  /** Largest allowed fall of the score since the previous reading; undefined means no gate. */
  maxDrop: number | undefined
  /** Absolute path to write the SVG badge to, if asked. */
  badgeFile: string | undefined
  /** Where to keep one open issue while checks fail (issue-on-failure), if asked. */
  trackingIssue: GitHubTarget | undefined
  /** Device groups whose exposure score is read and shown (device-groups), if any. */
  deviceGroups: DeviceGroupSelection | undefined
  /** Highest passing exposure score of each selected device group; undefined means no check. */
  maxDeviceGroupExposureScore: number | undefined
  /** Where and how to keep the sticky pull-request comment, if asked. */
  pullRequestComment: PullRequestCommentTarget | undefined
  /** Whether to write the job summary. */
  jobSummary: boolean
  /** This workflow run's page, linked from the comment; undefined off a runner. */
  runUrl: string | undefined
  /** Names this run in the history's lines: GitHub's run ID and attempt, and a random part. */
  runKey: string
  /** Time allowed for each HTTP request, in milliseconds. */
  timeoutMs: number
  /** Retries after a 429, a 5xx or a network failure. */
  maxRetries: number
}

/** The history file's path on a history branch when history-file is empty. */
export const DEFAULT_BRANCH_HISTORY_FILE = 'history.jsonl'

/** A workspace file (history-file), or a file on a branch of the repository (history-branch). */
export type HistoryStore =
  | { kind: 'file' /** Absolute, inside the workspace. */; path: string }
  | { kind: 'branch'; branch: string /** Inside the branch. */; path: string; github: GitHubTarget }

export type DeviceGroupSelection = { all: true } | { all: false; names: string[] }
