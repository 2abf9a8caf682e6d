/** The example workflows parse as GitHub parses them, and use only inputs action.yml declares. */
import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { register } from 'node:module'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { parse } from 'yaml'
import { parseAcceptedRisks } from '../../src/accepted-risks/file.js'
import { CHECK_IDS } from '../../src/checks/registry.js'
import { ROOT, readActionMetadata } from '../support/harness.js'

const EXAMPLES = join(ROOT, 'examples')
/** The example accepted-risks file: not a workflow. */
const ACCEPTED_RISKS = 'accepted-risks.yml'

register('../support/tools/json-import-hook.js', import.meta.url)
const { NoOperationTraceWriter, parseWorkflow } = await import('@actions/workflow-parser')

function workflowErrors(name: string, content: string): string[] {
  const result = parseWorkflow({ name, content }, new NoOperationTraceWriter())
  return result.context.errors.getErrors().map(error => error.message)
}

interface Workflow {
  jobs: Record<string, { steps?: Array<{ uses?: string; with?: Record<string, unknown> }> }>
}

/** The repository's own workflows (CI, CodeQL, release): checked like the examples. */
const WORKFLOWS = join(ROOT, '.github', 'workflows')
/** An action reference pinned to a full commit SHA, with the tag it was taken from as a comment. */
const PINNED = /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/

describe('example workflows', async () => {
  const files = (await readdir(EXAMPLES)).filter(file => file.endsWith('.yml') && file !== ACCEPTED_RISKS)

  it(`${ACCEPTED_RISKS} is a file the action accepts, for the tenants of the workflow that uses it`, async () => {
    const risks = parseAcceptedRisks(await readFile(join(EXAMPLES, ACCEPTED_RISKS)), {
      where: ACCEPTED_RISKS,
      tenants: [
        { id: 'contoso.onmicrosoft.com', label: 'Contoso' },
        { id: 'fabrikam.onmicrosoft.com', label: 'Fabrikam' }
      ],
      // The day its dates were written: an example's acceptances expire like any other.
      today: '2026-12-05',
      maxDays: 365,
      checkIds: CHECK_IDS
    })
    assert.deepEqual(
      risks.map(risk => [risk.kind, risk.name, risk.tenantLabel]),
      [
        ['item', 'CVE-2024-38063', undefined],
        ['device group', 'Lab kiosks', 'Fabrikam'],
        ['item', 'sca-_-scid-2010', undefined]
      ]
    )
    const workflow = await readFile(join(EXAMPLES, 'accepted-risks-gate.yml'), 'utf8')
    assert.match(workflow, /accepted-risks: \.github\/accepted-risks\.yml/)
    assert.match(workflow, /contents: read/)
  })

  it('the parser rejects a broken workflow (so the check below can fail)', () => {
    assert.notDeepEqual(workflowErrors('broken.yml', 'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps: 5\n'), [])
  })

  for (const file of files) {
    it(`${file} is accepted by GitHub's workflow parser and uses only declared inputs`, async () => {
      const content = await readFile(join(EXAMPLES, file), 'utf8')
      assert.deepEqual(workflowErrors(file, content), [])
      const inputs = Object.keys((await readActionMetadata()).inputs)
      const steps = Object.values((parse(content) as Workflow).jobs).flatMap(job => job.steps ?? [])
      const ours = steps.filter(step => step.uses?.includes('/defender-secure-score-action@'))
      assert.ok(ours.length > 0, 'uses the action')
      for (const step of ours) {
        for (const key of Object.keys(step.with ?? {})) {
          assert.ok(inputs.includes(key), `${file}: '${key}' is not an input in action.yml`)
        }
      }
    })
  }
})

describe("the repository's workflows", async () => {
  const files = (await readdir(WORKFLOWS)).filter(file => file.endsWith('.yml'))

  it('are there: CI with a self-test, CodeQL, release', () => {
    assert.deepEqual([...files].sort(), ['ci.yml', 'codeql.yml', 'release.yml'])
  })

  for (const file of files) {
    it(`${file} is accepted by GitHub's workflow parser, pins every third-party action to a commit SHA, and uses only declared inputs of ./`, async () => {
      const content = await readFile(join(WORKFLOWS, file), 'utf8')
      assert.deepEqual(workflowErrors(file, content), [])
      const inputs = Object.keys((await readActionMetadata()).inputs)
      const steps = Object.values((parse(content) as Workflow).jobs).flatMap(job => job.steps ?? [])
      for (const step of steps.filter(step => step.uses !== undefined)) {
        if (step.uses === './') {
          for (const key of Object.keys(step.with ?? {})) {
            assert.ok(inputs.includes(key), `${file}: '${key}' is not an input in action.yml`)
          }
        } else {
          assert.match(step.uses ?? '', PINNED, `${file}: ${step.uses} is not pinned to a full commit SHA`)
        }
      }
    })
  }

  it('the CI workflow runs the action with uses: ./ on the runner', async () => {
    const content = await readFile(join(WORKFLOWS, 'ci.yml'), 'utf8')
    const steps = Object.values((parse(content) as Workflow).jobs).flatMap(job => job.steps ?? [])
    assert.ok(steps.some(step => step.uses === './'))
  })
})

describe('the pull-request example on a fork', async () => {
  const { Evaluator, Lexer, Parser, data } = await import('@actions/expressions')
  /** Evaluates a job's `if` as GitHub does, with `github` as the event of a pull request from `head` to `base`. */
  function runsFor(condition: string, head: string, base: string): boolean {
    const parser = new Parser(new Lexer(condition).lex().tokens, ['github'], [])
    const github = new data.Dictionary(
      { key: 'repository', value: new data.StringData(base) },
      {
        key: 'event',
        value: new data.Dictionary({
          key: 'pull_request',
          value: new data.Dictionary({
            key: 'head',
            value: new data.Dictionary({ key: 'repo', value: new data.Dictionary({ key: 'full_name', value: new data.StringData(head) }) })
          })
        })
      }
    )
    return new Evaluator(parser.parse(), new data.Dictionary({ key: 'github', value: github })).evaluate().coerceString() === 'true'
  }

  it("skips a fork's pull request (no OIDC token, read-only token) and runs the repository's own", async () => {
    const content = await readFile(join(EXAMPLES, 'pr-comment.yml'), 'utf8')
    const jobs = Object.values((parse(content) as { jobs: Record<string, { if?: string }> }).jobs)
    for (const job of jobs) {
      const condition = job.if ?? 'true'
      assert.equal(runsFor(condition, 'outsider/octo-repo', 'octo-org/octo-repo'), false, `a fork's pull request skips: ${condition}`)
      assert.equal(runsFor(condition, 'octo-org/octo-repo', 'octo-org/octo-repo'), true, 'a branch of the repository runs')
    }
  })
})
