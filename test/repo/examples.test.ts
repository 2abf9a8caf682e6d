/** The example workflows parse as GitHub parses them, and use only inputs action.yml declares. */
import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { register } from 'node:module'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { parse } from 'yaml'
import { ROOT, readActionMetadata } from '../support/harness.js'

const EXAMPLES = join(ROOT, 'examples')

register('../support/tools/json-import-hook.js', import.meta.url)
const { NoOperationTraceWriter, parseWorkflow } = await import('@actions/workflow-parser')

function workflowErrors(name: string, content: string): string[] {
  const result = parseWorkflow({ name, content }, new NoOperationTraceWriter())
  return result.context.errors.getErrors().map(error => error.message)
}

interface Workflow {
  jobs: Record<string, { steps?: Array<{ uses?: string; with?: Record<string, unknown> }> }>
}

describe('example workflows', async () => {
  const files = (await readdir(EXAMPLES)).filter(file => file.endsWith('.yml'))

  it("the parser rejects a broken workflow (so the check below can fail)", () => {
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
