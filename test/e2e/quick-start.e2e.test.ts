/**
 * The README's quick start, as a new user follows it: an app with only the permissions the quick
 * start names, the workflow's inputs as written, OIDC. It must pass with no warning at all.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { describe, it } from 'node:test'
import { parse } from 'yaml'
import { onScore } from '../sim/defender.js'
import { json } from '../sim/reply.js'
import { annotations, oidcRun, runSwept, withSim } from '../support/harness.js'
import { README } from '../support/tools/readme.js'

interface QuickStart {
  permissions: string[]
  inputs: Record<string, string>
}

/** The permissions the quick start names (bold X.Read.All) and the `with:` of its workflow. */
async function quickStart(): Promise<QuickStart> {
  const readme = await readFile(README, 'utf8')
  const section = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1))
  const permissions = [...section.matchAll(/\*\*(\w+(?:\.\w+)*\.Read\.All)\*\*/g)].map(match => match[1] ?? '')
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? ''
  const jobs = (parse(yaml) as { jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, unknown> }> }> }).jobs
  const step = Object.values(jobs)
    .flatMap(job => job.steps)
    .find(candidate => candidate.uses?.includes('/defender-secure-score-action@'))
  return { permissions, inputs: Object.fromEntries(Object.entries(step?.with ?? {}).map(([name, value]) => [name, String(value)])) }
}

describe('the quick start', () => {
  it('names the permissions, and with only those it passes without a single warning', async () => {
    const { permissions, inputs } = await quickStart()
    assert.deepEqual(permissions, ['Score.Read.All', 'SecurityRecommendation.Read.All'])
    assert.deepEqual(Object.keys(inputs), ['tenant-id', 'client-id', 'min-score'])
    await withSim(async sim => {
      sim.entra.app.roles = permissions
      // The score answers after the recommendations, so their grace period (which starts at the score) is not in play.
      sim.script.api.push(onScore({ ...json(200, { time: new Date().toISOString(), score: 340 }), delayMs: 400 }))
      const run = oidcRun(sim)
      const result = await runSwept(sim, { ...run, inputs: { ...inputs, ...run.inputs, 'min-score': inputs['min-score'] ?? '' } })
      assert.equal(result.exitCode, 1, 'the simulator scores 340, below the quick start min-score 400')
      assert.deepEqual(annotations(result, 'warning'), [])
      assert.match(result.summary, /Top 4 recommendations/, 'the default recommendations are read with the named permission')
    })
  })
})
