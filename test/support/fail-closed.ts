/** What the fail-closed end-to-end files share: a history branch seeded with earlier readings, and a run whose score fell. */
import assert from 'node:assert/strict'
import type { Simulator } from '../sim/simulator.js'
import { onlyError, scheduledRun, type ActionRun } from './harness.js'

export const REPOSITORY = '/repos/octo-org/octo-repo'
export const HISTORY = `${REPOSITORY}/contents/history.jsonl`
export const BRANCH = 'secure-score-history'

/** A history line of the simulator's tenant. */
export function reading(sim: Simulator, score: number, time: string, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ time, score, exposure: null, tenant: sim.tenantId, apiHost: 'x', ...extra })}\n`
}

/** A history branch holding one earlier reading of 400. */
export function seedBranch(sim: Simulator, content: Buffer | string = reading(sim, 400, '2026-11-20T06:00:00Z')): void {
  sim.github.branches.set(BRANCH, new Map([['history.jsonl', Buffer.isBuffer(content) ? content : Buffer.from(content)]]))
}

export function report(run: ActionRun): Record<string, unknown> & { checks: Array<Record<string, unknown>> } {
  return JSON.parse(run.outputs['report-json'] ?? '{}') as Record<string, unknown> & { checks: Array<Record<string, unknown>> }
}

/** A run with the score fallen from 400 to 300, which max-drop 15 must never let through. */
export function fallenRun(sim: Simulator, inputs: Record<string, string> = {}): Promise<ActionRun> {
  sim.defender.score = { score: 300 }
  return scheduledRun(sim, { 'history-branch': BRANCH, 'max-drop': '15', 'max-retries': '0', ...inputs })
}

export function assertUnevaluatedDrop(result: ActionRun, reason: RegExp): void {
  assert.equal(result.exitCode, 1, result.stdout)
  const error = onlyError(result)
  assert.match(error, /^Device secure score change \(max-drop\) could not be evaluated: /)
  assert.match(error, reason)
  const drop = report(result).checks.find(check => check['input'] === 'max-drop')
  assert.equal(drop?.['passed'], false)
  assert.equal(drop?.['value'], null)
  assert.match(String(drop?.['reason']), /^could not be evaluated: /)
  assert.equal(result.outputs['passed'], 'false')
  assert.doesNotMatch(result.summary, /No threshold set/)
  assert.match(result.summary, /could not be evaluated/)
}
