/**
 * What the runner's environment says about this run: where to ask for an OIDC ID token, which
 * repository and event this is, GitHub's API URL. Inputs are ./inputs.ts's; these are not inputs.
 */
import { randomBytes } from 'node:crypto'
import { ConfigurationError } from '../errors.js'
import { checkServiceUrl, mayCarryTokens } from '../net/url-policy.js'
import type { GitHubTarget } from '../github/api.js'
import type { PullRequestCommentTarget } from '../github/pull-request.js'
import type { IdTokenRequest } from '../signin/credentials.js'

export function readIdTokenRequest(env: NodeJS.ProcessEnv): IdTokenRequest {
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

export function parsePullRequestComment(token: string, env: NodeJS.ProcessEnv): PullRequestCommentTarget {
  if (!token) {
    throw new ConfigurationError(
      'comment-on-pr is true but github-token is empty. Leave github-token at its default (${{ github.token }}) ' +
        "and give the job 'permissions: pull-requests: write', or set comment-on-pr to false."
    )
  }
  return { github: readGitHubTarget(token, env), eventName: env['GITHUB_EVENT_NAME'] ?? '', eventPath: env['GITHUB_EVENT_PATH'] ?? '' }
}

/** GitHub's API as the runner names it (GITHUB_API_URL, GITHUB_GRAPHQL_URL), and this repository. */
export function readGitHubTarget(token: string, env: NodeJS.ProcessEnv): GitHubTarget {
  const apiUrl = checkServiceUrl('GITHUB_API_URL', env['GITHUB_API_URL'] || 'https://api.github.com', 'https://api.github.com')
  // GitHub Enterprise Server serves GraphQL at /api/graphql beside /api/v3; the runner says where.
  const graphqlUrl = env['GITHUB_GRAPHQL_URL'] || `${apiUrl.replace(/\/v3$/, '')}/graphql`
  return {
    token,
    apiUrl,
    graphqlUrl: checkServiceUrl('GITHUB_GRAPHQL_URL', graphqlUrl, 'https://api.github.com/graphql'),
    repository: env['GITHUB_REPOSITORY'] ?? ''
  }
}

/**
 * This run's mark in the history: GITHUB_RUN_ID.GITHUB_RUN_ATTEMPT (a re-run is another attempt),
 * and a random part, as two steps of one job, or two jobs of one run, are runs of their own.
 */
export function readRunKey(env: NodeJS.ProcessEnv): string {
  const id = /^\d{1,20}$/.test(env['GITHUB_RUN_ID'] ?? '') ? env['GITHUB_RUN_ID'] : 'local'
  const attempt = /^\d{1,6}$/.test(env['GITHUB_RUN_ATTEMPT'] ?? '') ? env['GITHUB_RUN_ATTEMPT'] : '1'
  return `${id}.${attempt}.${randomBytes(6).toString('hex')}`
}

export function readRunUrl(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env
  return server && repository && runId ? `${server}/${repository}/actions/runs/${runId}` : undefined
}
