/**
 * The configuration of one run, as the orchestrator sees it: typed, validated, secrets already
 * masked. Read from the inputs by ./inputs.ts and from the runner's environment by ./runner.ts.
 * Run-wide settings (the app, the endpoints, the network, enforcement, the history store, what to
 * publish) are apart from each tenant's (its ID, label and limits); the modules that do the work take
 * the few values they use, never this object.
 */
import type { AcceptedRisksInput } from '../accepted-risks/read.js'
import type { DeviceGroupSelection } from '../sources/device-groups/answers.js'
import type { Cloud, Region } from './clouds.js'
import type { GitHubTarget } from '../github/api.js'
import type { PullRequestCommentTarget } from '../github/pull-request.js'
import type { AppSignIn } from '../signin/credentials.js'
import type { Tenant } from '../tenants/tenant.js'
import type { Severity } from '../sources/vulnerabilities/answers.js'

export interface Settings {
  /** How the app signs in to every tenant (secrets masked as soon as read). */
  app: AppSignIn
  /** The tenants to read, in the order given; one unless tenant-id lists several. */
  tenants: Tenant[]
  /** The Microsoft cloud, which picks the default hosts and scope. */
  cloud: Cloud
  /** Regional API host of the commercial cloud, if one was asked for. */
  region: Region | undefined
  /** Defender API base URL, without a trailing slash. */
  apiUrl: string
  /** false turns a failed check into a warning. */
  failOnLowScore: boolean
  /** Whether to read the exposure score (asked for, or needed by a max-exposure-score of any tenant). */
  includeExposureScore: boolean
  /** How many top recommendations to show; 0 skips the request unless a score change is explained. */
  recommendations: number
  /** Whether a change of the score is explained by the recommendations (explain-score-change; needs a history). */
  explainScoreChange: boolean
  /**
   * The lowest severity of exploitable vulnerability counted, when they are read (listed, or a
   * vulnerability limit set for any tenant); undefined skips the requests.
   */
  vulnerabilitySeverity: Severity | undefined
  /** How many exploitable vulnerabilities the summary and the comment list. */
  listedVulnerabilities: number
  /** GITHUB_WORKSPACE: files the action reads or writes stay inside it. */
  workspace: string
  /** Where the JSON Lines history of earlier readings is kept, if it is. */
  history: HistoryStore | undefined
  /** Absolute path to write the SVG badge to, if asked; may hold {tenant}. */
  badgeFile: string | undefined
  /** Where to keep one open issue per tenant while checks fail (issue-on-failure), if asked. */
  trackingIssue: GitHubTarget | undefined
  /** Coverage: whether it is read (devices, or a coverage check of any tenant), and when a device counts as stale. */
  devices: { asked: boolean; staleAfterDays: number }
  /** Device groups whose exposure score is read and shown (device-groups), if any. */
  deviceGroups: DeviceGroupSelection | undefined
  /** The accepted-risks file and where to read it, if one is given. */
  acceptedRisks: AcceptedRisksInput | undefined
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
