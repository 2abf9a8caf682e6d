/**
 * GitHub's REST API against GitHub's own OpenAPI description, and the GraphQL query against GitHub's
 * published schema: runs that use every call the action makes to GitHub (the sticky comment, its
 * duplicates, the tracking issue and its label, the history on a new and an existing branch, a
 * history too large to come inline) are recorded, then every request is matched to an operation of
 * the description and validated, and so is every answer the GitHub double gave.
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import type { Simulator } from '../sim/simulator.js'
import { GitHubDescription } from '../support/github-openapi.js'
import { pullRequestRun, runSwept, scheduledRun, secretInputs, withSim } from '../support/harness.js'
import { GITHUB_OPERATIONS } from '../support/tools/api-surface.js'
import { EXAMPLES_FIXTURE, githubExamples } from '../support/tools/github-examples.js'
import { readFile } from 'node:fs/promises'

let github: GitHubDescription

before(async () => {
  github = await GitHubDescription.load()
})

/** Every call the action can make to GitHub, made at least once. */
async function everyGitHubCall(sim: Simulator): Promise<void> {
  const marker = `<!-- defender-secure-score-action tenant=${sim.tenantId} -->`
  const commentRun = () => runSwept(sim, { ...pullRequestRun(sim), inputs: { ...secretInputs(sim), 'comment-on-pr': 'true' } })
  assert.equal((await commentRun()).exitCode, 0)
  // A duplicate of its own comment, as a racing run leaves one: the next run deletes it and updates the other.
  sim.github.comments.push({
    id: sim.github.nextCommentId++,
    issue: 7,
    body: `${marker}\nraced`,
    html_url: 'https://github.com/octo-org/octo-repo/pull/7#issuecomment-1',
    user: { login: 'github-actions[bot]' }
  })
  assert.equal((await commentRun()).exitCode, 0)

  const scheduled = (minScore: string, run: string) =>
    scheduledRun(
      sim,
      { 'history-branch': 'secure-score-history', 'issue-on-failure': 'true', 'min-score': minScore },
      { env: { GITHUB_RUN_ID: run } }
    )
  assert.equal((await scheduled('500', '1')).exitCode, 1, 'a new branch, a label, an issue')
  sim.github.contentsInlineLimit = 10
  assert.equal((await scheduled('500', '2')).exitCode, 1, 'the history through the blob API, and the issue updated')
  const own = sim.github.issues.find(issue => issue.user.login === 'github-actions[bot]')
  assert.ok(own)
  sim.github.issues.push({ ...own, number: sim.github.nextIssueNumber++ })
  assert.equal((await scheduled('500', '3')).exitCode, 1, 'a duplicate issue closed')
  assert.equal((await scheduled('100', '4')).exitCode, 0, 'the issue closed with a comment')
}

describe("GitHub's API description as the judge", () => {
  it('every request the action makes is an operation GitHub describes, with declared parameters and a valid body; every answer of the double validates', () =>
    withSim(async sim => {
      await everyGitHubCall(sim)
      const requests = sim.requestsTo('github')
      const problems = requests.flatMap(request => [
        ...github.checkRequest(request.method, request.path, request.json),
        ...(request.scripted ? [] : github.checkResponse(request.method, request.path, request.status, request.answer))
      ])
      assert.deepEqual(problems, [])
      const used = new Set(requests.map(request => github.operation(request.method, request.path)?.operationId ?? 'graphql'))
      assert.deepEqual(
        [...used].sort(),
        GITHUB_OPERATIONS.map(operation => operation.operationId).sort(),
        'the API surface listed in the README is what the action uses'
      )
    }))

  it("answers in GitHub's own example shapes, taken from the pinned description (npm run docs)", async () => {
    assert.deepEqual(JSON.parse(await readFile(EXAMPLES_FIXTURE, 'utf8')), await githubExamples())
  })

  it('catches what it should: an undeclared query parameter, a body of the wrong shape, an unknown GraphQL field', () => {
    assert.match(github.checkRequest('GET', '/repos/o/r/issues?colour=red', undefined).join(), /'colour' is not declared/)
    assert.match(github.checkRequest('POST', '/repos/o/r/issues/1/comments', { text: 'x' }).join(), /must have required property 'body'/)
    assert.match(github.checkRequest('POST', '/graphql', { query: 'query { viewer { secret } }' }).join(), /Cannot query field "secret"/)
    assert.match(github.checkResponse('PATCH', '/repos/o/r/issues/comments/1', 200, '{"id":1}').join(), /must have required property/)
  })
})
