/** GitHub's REST API: issue comments, with a read-only mode like a fork's token. */
import type { IncomingMessage } from 'node:http'
import { json, type Reply } from './reply.js'
import type { Simulator } from './simulator.js'

export function answerGitHubRest(sim: Simulator, request: IncomingMessage, url: URL, body: unknown): Reply {
  const authorization = request.headers.authorization ?? ''
  if (authorization !== `token ${sim.githubToken}` && authorization !== `Bearer ${sim.githubToken}`) {
    return json(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' })
  }
  // GitHub Enterprise Server serves the same API under /api/v3.
  const path = url.pathname.replace(/^\/api\/v3(?=\/)/, '')
  const list = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(path)
  const one = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(path)
  const write = request.method === 'POST' || request.method === 'PATCH'
  if (write && sim.githubReadOnly) {
    return json(403, {
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
      status: '403'
    })
  }
  const text = typeof body === 'object' && body !== null && 'body' in body && typeof body.body === 'string' ? body.body : undefined
  if (list && request.method === 'GET') {
    const perPage = Number(url.searchParams.get('per_page') ?? 30)
    const page = Number(url.searchParams.get('page') ?? 1)
    const all = sim.comments.filter(comment => comment.issue === Number(list[1]))
    const headers: Record<string, string> = {}
    if (page * perPage < all.length) {
      const next = new URL(url.pathname, `${sim.scheme}://${request.headers.host ?? ''}`)
      next.searchParams.set('per_page', String(perPage))
      next.searchParams.set('page', String(page + 1))
      headers['Link'] = `<${next.href}>; rel="next"`
    }
    return json(200, all.slice((page - 1) * perPage, page * perPage), headers)
  }
  if (list && request.method === 'POST' && text !== undefined) {
    const id = sim.nextCommentId++
    const comment = { id, issue: Number(list[1]), body: text, html_url: `https://github.com/octo-org/octo-repo/pull/${list[1]}#issuecomment-${id}`, user: { login: 'github-actions[bot]' } }
    sim.comments.push(comment)
    return json(201, comment)
  }
  const existing = one ? sim.comments.find(comment => comment.id === Number(one[1])) : undefined
  if (one && request.method === 'PATCH' && text !== undefined) {
    if (!existing) {
      return json(404, { message: 'Not Found', status: '404' })
    }
    existing.body = text
    return json(200, existing)
  }
  return json(404, { message: 'Not Found', status: '404' })
}
