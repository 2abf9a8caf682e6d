/**
 * GitHub's REST API and the one GraphQL query the action makes (`viewer`): issue comments with their
 * authors, issues, file contents on branches with their blob sha (compare-and-swap as GitHub does it),
 * the git data API for an orphan branch, paging with Link headers, and a read-only mode like a fork's
 * token. Each token acts as an identity (`Simulator.githubIdentities`): the job's token as
 * github-actions[bot].
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import { json, type Reply } from './reply.js'
import { randomBytes } from 'node:crypto'
import { PLANTED } from './names.js'
import type { Simulator } from './simulator.js'

/**
 * GitHub's own example answers (test/fixtures/github/examples.json, taken from the pinned API
 * description): every answer is one of them with the double's values over it, so that it has every
 * field GitHub's schema requires (test/e2e/github-openapi.e2e.test.ts checks them against it).
 */
const EXAMPLES = JSON.parse(readFileSync(new URL('../../../test/fixtures/github/examples.json', import.meta.url), 'utf8')) as Record<
  string,
  Record<string, unknown>
>

function example(name: string): Record<string, unknown> {
  return structuredClone(EXAMPLES[name] ?? {})
}

function user(login: string): Record<string, unknown> {
  return { ...(example('issue-comment')['user'] as Record<string, unknown>), login }
}

function commentAnswer(comment: SimComment): Record<string, unknown> {
  const { issue: _issue, ...fields } = comment
  return { ...example('issue-comment'), ...fields, user: user(comment.user.login) }
}

function issueAnswer(issue: SimIssue): Record<string, unknown> {
  const label = (example('issue')['labels'] as Array<Record<string, unknown>>)[0]
  return {
    ...example('issue'),
    ...issue,
    pull_request: undefined,
    user: user(issue.user.login),
    labels: issue.labels.map(carried => ({ ...label, name: carried.name }))
  }
}

const NOT_FOUND = { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' }

/** An issue comment as GitHub's REST API returns it. */
export interface SimComment {
  id: number
  issue: number
  body: string
  html_url: string
  user: { login: string }
}

/** What GitHub holds for the repository: the job's token and who tokens act as, issues, labels, comments, branches and their files. */
export class GitHubState {
  /** The token GitHub's REST API accepts (the job's github.token). */
  readonly token = `ghs_${PLANTED}${randomBytes(15).toString('base64url')}`
  /** Like a fork's pull request: the token may read but every write gets 403. */
  readOnly = false
  /** The identity each GitHub token acts as; tests add others (a maintainer, an outsider). */
  readonly identities = new Map<string, string>([[this.token, 'github-actions[bot]']])
  /** Issues of the repository (issue-on-failure). */
  readonly issues: SimIssue[] = []
  /** Labels of the repository, in lower case (names compare case-insensitively). */
  readonly labels = new Set<string>()
  nextIssueNumber = 1
  readonly comments: SimComment[] = []
  nextCommentId = 1000
  /** Files on the repository's branches (and commits named by SHA): ref -> path -> content. */
  readonly branches = new Map<string, Map<string, Buffer>>([['main', new Map()]])
  /** The commits written to branches, for tests to count. */
  readonly historyCommits: Array<{ branch: string; message: string }> = []
  /** Files larger than this come from the contents API without content, as GitHub's over 1 MB do. */
  contentsInlineLimit = 1024 * 1024
  readonly blobs = new Map<string, Buffer>()
  readonly pendingTrees = new Map<string, Map<string, Buffer>>()
  readonly pendingCommits = new Map<string, { tree: string; message: string }>()
  /** Where Link headers send the next page; another origin, to check the token does not follow. */
  nextPageOrigin: string | undefined
}

export function answerGitHubRest(sim: Simulator, request: IncomingMessage, url: URL, body: unknown): Reply {
  const authorization = request.headers.authorization ?? ''
  const login = sim.github.identities.get(authorization.replace(/^(token|Bearer) /, ''))
  if (login === undefined) {
    return json(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' })
  }
  // GitHub Enterprise Server serves the same API under /api/v3, and GraphQL at /api/graphql.
  const path = url.pathname.replace(/^\/api\/v3(?=\/)/, '').replace(/^\/api\/graphql$/, '/graphql')
  if (path === '/graphql' && request.method === 'POST') {
    const query = typeof body === 'object' && body !== null && 'query' in body ? String(body.query) : ''
    return /viewer\s*\{\s*login\s*\}/.test(query)
      ? json(200, { data: { viewer: { login } } })
      : json(200, { errors: [{ message: `Field not in this simulator: ${query}` }] })
  }
  const list = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(path)
  const one = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(path)
  if (request.method !== 'GET' && sim.github.readOnly) {
    return json(403, {
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
      status: '403'
    })
  }
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {}
  const repository = /^\/repos\/[^/]+\/[^/]+/.exec(path)?.[0] ?? ''
  const rest = path.slice(repository.length)
  if (repository && /^\/git\/refs?\/.*%2F/i.test(rest)) {
    // GitHub's description declares {ref} as several path segments; an encoded slash is not one, and GitHub answers 404.
    return json(404, NOT_FOUND)
  }
  if (repository && rest === '/labels' && request.method === 'POST') {
    const name = typeof fields['name'] === 'string' ? fields['name'] : ''
    if (sim.github.labels.has(name.toLowerCase())) {
      return json(422, {
        message: 'Validation Failed',
        errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }],
        documentation_url: 'https://docs.github.com/rest/issues/labels#create-a-label',
        status: '422'
      })
    }
    sim.github.labels.add(name.toLowerCase())
    return json(201, { ...example('label'), id: sim.github.labels.size, name, color: String(fields['color'] ?? 'ededed'), default: false })
  }
  if (repository && (rest.startsWith('/contents/') || rest.startsWith('/git/'))) {
    return answerContents(sim, request.method ?? 'GET', decodeURIComponent(rest), url, fields)
  }
  if (repository && (rest === '/issues' || /^\/issues\/\d+$/.test(rest))) {
    return answerIssues(sim, request, url, rest, fields, login)
  }
  const text = typeof fields['body'] === 'string' ? fields['body'] : undefined
  if (list && request.method === 'GET') {
    return page(sim, request, url, sim.github.comments.filter(comment => comment.issue === Number(list[1])).map(commentAnswer))
  }
  if (list && request.method === 'POST' && text !== undefined) {
    if (text.length > 65_536) {
      return json(422, {
        message: 'Validation Failed',
        errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }]
      })
    }
    const id = sim.github.nextCommentId++
    const comment = {
      id,
      issue: Number(list[1]),
      body: text,
      html_url: `https://github.com/octo-org/octo-repo/pull/${list[1]}#issuecomment-${id}`,
      user: { login }
    }
    sim.github.comments.push(comment)
    return json(201, commentAnswer(comment))
  }
  const existing = one ? sim.github.comments.find(comment => comment.id === Number(one[1])) : undefined
  if (one && !existing) {
    return json(404, NOT_FOUND)
  }
  // Like GitHub, a token with write access may edit or delete anyone's comment ("You must be the author
  // or have write access"): that the action touches only its own is the action's promise, not the double's.
  if (existing && request.method === 'PATCH' && text !== undefined) {
    existing.body = text
    return json(200, commentAnswer(existing))
  }
  if (existing && request.method === 'DELETE') {
    sim.github.comments.splice(sim.github.comments.indexOf(existing), 1)
    return { status: 204 }
  }
  return json(404, NOT_FOUND)
}

/** One page of a listing, with GitHub's Link header to the next (at `Simulator.githubNextPageOrigin` if a test moved it). */
function page(sim: Simulator, request: IncomingMessage, url: URL, all: unknown[]): Reply {
  const perPage = Number(url.searchParams.get('per_page') ?? 30)
  const number = Number(url.searchParams.get('page') ?? 1)
  const headers: Record<string, string> = {}
  if (number * perPage < all.length) {
    const next = new URL(url.pathname, sim.github.nextPageOrigin ?? `${sim.scheme}://${request.headers.host ?? ''}`)
    next.searchParams.set('per_page', String(perPage))
    next.searchParams.set('page', String(number + 1))
    headers['Link'] = `<${next.href}>; rel="next"`
  }
  return json(200, all.slice((number - 1) * perPage, number * perPage), headers)
}

/** An issue as GitHub's REST API returns it. */
export interface SimIssue {
  number: number
  title: string
  body: string
  state: 'open' | 'closed'
  state_reason: string | null
  html_url: string
  user: { login: string }
  labels: Array<{ name: string }>
}

function answerIssues(
  sim: Simulator,
  request: IncomingMessage,
  url: URL,
  rest: string,
  fields: Record<string, unknown>,
  login: string
): Reply {
  if (rest === '/issues' && request.method === 'GET') {
    const state = url.searchParams.get('state') ?? 'open'
    const labels = (url.searchParams.get('labels') ?? '').split(',').filter(Boolean)
    const creator = url.searchParams.get('creator')
    return page(
      sim,
      request,
      url,
      sim.github.issues
        .filter(
          issue =>
            (state === 'all' || issue.state === state) &&
            (creator === null || issue.user.login.toLowerCase() === creator.toLowerCase()) &&
            labels.every(label => issue.labels.some(carried => carried.name.toLowerCase() === label.toLowerCase()))
        )
        .map(issueAnswer)
    )
  }
  if (rest === '/issues' && request.method === 'POST' && typeof fields['title'] === 'string') {
    const number = sim.github.nextIssueNumber++
    const issue: SimIssue = {
      number,
      title: fields['title'],
      body: typeof fields['body'] === 'string' ? fields['body'] : '',
      state: 'open',
      state_reason: null,
      html_url: `https://github.com/octo-org/octo-repo/issues/${number}`,
      user: { login },
      // Like GitHub, a label the repository lacks is created with the issue.
      labels: (Array.isArray(fields['labels']) ? fields['labels'] : [])
        .filter(label => typeof label === 'string')
        .map(name => {
          sim.github.labels.add(name.toLowerCase())
          return { name }
        })
    }
    sim.github.issues.push(issue)
    return json(201, issueAnswer(issue))
  }
  const issue = sim.github.issues.find(candidate => candidate.number === Number(rest.slice('/issues/'.length)))
  if (!issue) {
    return json(404, NOT_FOUND)
  }
  if (request.method === 'PATCH') {
    if (typeof fields['title'] === 'string') issue.title = fields['title']
    if (typeof fields['body'] === 'string') issue.body = fields['body']
    if (fields['state'] === 'open' || fields['state'] === 'closed') issue.state = fields['state']
    if (typeof fields['state_reason'] === 'string') issue.state_reason = fields['state_reason']
    if (Array.isArray(fields['labels'])) {
      // Like GitHub: the list replaces the issue's labels, and a label the repository lacks is created.
      issue.labels = fields['labels']
        .filter(label => typeof label === 'string')
        .map(name => {
          sim.github.labels.add(name.toLowerCase())
          return { name }
        })
    }
    return json(200, issueAnswer(issue))
  }
  return request.method === 'GET' ? json(200, issueAnswer(issue)) : json(404, NOT_FOUND)
}

/** Git's blob id: what the contents API calls a file's sha. */
export function blobSha(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex')
}

/** File contents on branches, and the git data API calls that make an orphan branch. */
function answerContents(sim: Simulator, method: string, rest: string, url: URL, fields: Record<string, unknown>): Reply {
  const contents = /^\/contents\/(.+)$/.exec(rest)?.[1]
  if (contents !== undefined && method === 'GET') {
    const files = sim.github.branches.get(url.searchParams.get('ref') ?? 'main')
    const content = files?.get(contents)
    if (!files) return json(404, { message: `No commit found for the ref ${url.searchParams.get('ref')}`, status: '404' })
    if (content === undefined) return json(404, NOT_FOUND)
    // Like GitHub: files over 1 MB come without content, to be read from the blob API.
    const large = content.length > sim.github.contentsInlineLimit
    sim.github.blobs.set(blobSha(content), content)
    return json(200, {
      ...example('content-file-response-if-content-is-a-file'),
      type: 'file',
      name: contents.split('/').at(-1),
      path: contents,
      size: content.length,
      sha: blobSha(content),
      encoding: large ? 'none' : 'base64',
      content: large ? '' : content.toString('base64')
    })
  }
  if (contents !== undefined && method === 'PUT') {
    const branch = typeof fields['branch'] === 'string' ? fields['branch'] : 'main'
    const files = sim.github.branches.get(branch)
    if (!files) return json(404, { message: `Branch ${branch} not found`, status: '404' })
    const existing = files.get(contents)
    if (existing !== undefined && fields['sha'] === undefined) {
      return json(422, { message: `Invalid request.\n\n"sha" wasn't supplied.`, status: '422' })
    }
    if (existing !== undefined && fields['sha'] !== blobSha(existing)) {
      return json(409, { message: `${contents} does not match ${String(fields['sha'])}`, status: '409' })
    }
    if (typeof fields['content'] !== 'string' || typeof fields['message'] !== 'string') {
      return json(422, { message: 'Invalid request: content and message are required.', status: '422' })
    }
    const content = Buffer.from(fields['content'], 'base64')
    files.set(contents, content)
    sim.github.historyCommits.push({ branch, message: fields['message'] })
    const answer = example('file-commit-example-for-creating-a-file') as {
      content: Record<string, unknown>
      commit: Record<string, unknown>
    }
    return json(existing === undefined ? 201 : 200, {
      content: { ...answer.content, name: contents.split('/').at(-1), path: contents, sha: blobSha(content), size: content.length },
      commit: { ...answer.commit, sha: blobSha(Buffer.from(String(Math.random()))) }
    })
  }
  const ref = /^\/git\/ref\/heads\/(.+)$/.exec(rest)?.[1]
  if (ref !== undefined && method === 'GET') {
    return sim.github.branches.has(ref) ? json(200, gitRef(`refs/heads/${ref}`, blobSha(Buffer.from(ref)))) : json(404, NOT_FOUND)
  }
  const blob = /^\/git\/blobs\/([0-9a-f]{40})$/.exec(rest)?.[1]
  if (blob !== undefined && method === 'GET') {
    const content = sim.github.blobs.get(blob)
    return content === undefined
      ? json(404, NOT_FOUND)
      : json(200, { ...example('blob'), sha: blob, size: content.length, encoding: 'base64', content: content.toString('base64') })
  }
  if (rest === '/git/trees' && method === 'POST' && Array.isArray(fields['tree'])) {
    const entries = (fields['tree'] as Array<Record<string, unknown>>).map(
      entry => [String(entry['path']), Buffer.from(String(entry['content']))] as const
    )
    const sha = blobSha(Buffer.from(JSON.stringify(entries)))
    sim.github.pendingTrees.set(sha, new Map(entries))
    const entry = (example('git-tree')['tree'] as Array<Record<string, unknown>>)[0]
    return json(201, {
      ...example('git-tree'),
      sha,
      tree: entries.map(([path, content]) => ({
        ...entry,
        path,
        mode: '100644',
        type: 'blob',
        sha: blobSha(content),
        size: content.length
      }))
    })
  }
  if (rest === '/git/commits' && method === 'POST' && typeof fields['tree'] === 'string' && sim.github.pendingTrees.has(fields['tree'])) {
    const sha = blobSha(Buffer.from(`commit ${fields['tree']} ${String(Math.random())}`))
    sim.github.pendingCommits.set(sha, { tree: fields['tree'], message: String(fields['message']) })
    const commit = example('git-commit')
    return json(201, {
      ...commit,
      sha,
      message: String(fields['message']),
      tree: { ...(commit['tree'] as Record<string, unknown>), sha: fields['tree'] },
      parents: []
    })
  }
  if (rest === '/git/refs' && method === 'POST' && typeof fields['ref'] === 'string' && typeof fields['sha'] === 'string') {
    const branch = fields['ref'].replace(/^refs\/heads\//, '')
    const commit = sim.github.pendingCommits.get(fields['sha'])
    if (sim.github.branches.has(branch)) return json(422, { message: 'Reference already exists', status: '422' })
    if (!commit) return json(422, { message: 'Object does not exist', status: '422' })
    sim.github.branches.set(branch, new Map(sim.github.pendingTrees.get(commit.tree)))
    sim.github.historyCommits.push({ branch, message: commit.message })
    return json(201, gitRef(fields['ref'], fields['sha']))
  }
  return json(404, NOT_FOUND)
}

function gitRef(ref: string, sha: string): Record<string, unknown> {
  const answer = example('git-ref')
  return { ...answer, ref, object: { ...(answer['object'] as Record<string, unknown>), sha, type: 'commit' } }
}
