/**
 * GitHub's REST API and the one GraphQL query the action makes (`viewer`): issue comments with their
 * authors, paging with Link headers, and a read-only mode like a fork's token. Each token acts as an
 * identity (`Simulator.githubIdentities`), as on GitHub: the job's token as github-actions[bot].
 */
import type { IncomingMessage } from 'node:http'
import { json, type Reply } from './reply.js'
import type { Simulator } from './simulator.js'

const NOT_FOUND = { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' }

export function answerGitHubRest(sim: Simulator, request: IncomingMessage, url: URL, body: unknown): Reply {
  const authorization = request.headers.authorization ?? ''
  const login = sim.githubIdentities.get(authorization.replace(/^(token|Bearer) /, ''))
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
  if (request.method !== 'GET' && sim.githubReadOnly) {
    return json(403, {
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
      status: '403'
    })
  }
  const text = typeof body === 'object' && body !== null && 'body' in body && typeof body.body === 'string' ? body.body : undefined
  if (list && request.method === 'GET') {
    return page(sim, request, url, sim.comments.filter(comment => comment.issue === Number(list[1])))
  }
  if (list && request.method === 'POST' && text !== undefined) {
    if (text.length > 65_536) {
      return json(422, { message: 'Validation Failed', errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }] })
    }
    const id = sim.nextCommentId++
    const comment = { id, issue: Number(list[1]), body: text, html_url: `https://github.com/octo-org/octo-repo/pull/${list[1]}#issuecomment-${id}`, user: { login } }
    sim.comments.push(comment)
    return json(201, comment)
  }
  const existing = one ? sim.comments.find(comment => comment.id === Number(one[1])) : undefined
  if (one && !existing) {
    return json(404, NOT_FOUND)
  }
  if (existing && request.method === 'PATCH' && text !== undefined) {
    if (existing.user.login !== login) {
      return json(403, { message: 'Resource not accessible by integration', status: '403' })
    }
    existing.body = text
    return json(200, existing)
  }
  if (existing && request.method === 'DELETE') {
    if (existing.user.login !== login) {
      return json(403, { message: 'Resource not accessible by integration', status: '403' })
    }
    sim.comments.splice(sim.comments.indexOf(existing), 1)
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
    const next = new URL(url.pathname, sim.githubNextPageOrigin ?? `${sim.scheme}://${request.headers.host ?? ''}`)
    next.searchParams.set('per_page', String(perPage))
    next.searchParams.set('page', String(number + 1))
    headers['Link'] = `<${next.href}>; rel="next"`
  }
  return json(200, all.slice((number - 1) * perPage, number * perPage), headers)
}
