/**
 * Fail closed, the history on a branch: races, answers past the cap, files that are not a history,
 * and a history up to the documented 16 MiB. Apart from ./fail-closed.e2e.test.ts so that the runner
 * reads them alongside the others.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { BRANCH_HISTORY_BYTES } from '../../src/history/history.js'
import { json } from '../sim/simulator.js'
import { annotations, branchLines, onlyError, scheduledRun, withSim } from '../support/harness.js'

import { assertUnevaluatedDrop, BRANCH, fallenRun, HISTORY, reading, REPOSITORY, seedBranch } from '../support/fail-closed.js'

describe('fail closed: the history branch', () => {
  it('a 422 "sha wasn\'t supplied" on a branch that had no file is a race: the run reads again and keeps both readings', () =>
    withSim(async sim => {
      sim.github.branches.set(BRANCH, new Map())
      const other = reading(sim, 400, '2026-11-20T06:00:00Z', { run: 'another-run' })
      sim.script.github.push({
        ...json(422, { message: 'Invalid request.\n\n"sha" wasn\'t supplied.', documentation_url: 'https://docs.github.com/rest' }),
        path: HISTORY,
        method: 'PUT',
        meanwhile: () => sim.github.branches.get(BRANCH)?.set('history.jsonl', Buffer.from(other))
      })
      const result = await fallenRun(sim)
      assert.deepEqual(
        branchLines(sim).map(line => line['score']),
        [400, 300],
        'the racing run wrote first; this run read again and appended'
      )
      assert.equal(result.exitCode, 1)
      assert.match(onlyError(result), /^Device secure score fell by 100 points, more than max-drop 15/)
    }))

  it('never compares a reading with itself: a write whose answer was lost is found, not written twice', () =>
    withSim(async sim => {
      seedBranch(sim)
      sim.script.github.push({ ...json(502, { message: 'Server Error' }), path: HISTORY, method: 'PUT', afterHandling: true })
      const result = await fallenRun(sim, { 'max-retries': '1' })
      assert.equal(result.exitCode, 1, result.stdout)
      assert.match(
        onlyError(result),
        /^Device secure score fell by 100 points, more than max-drop 15: from 400 at 2026-11-20T06:00:00Z to 300/
      )
      assert.deepEqual(
        branchLines(sim).map(line => line['score']),
        [400, 300],
        "one line for this run, though GitHub took the write and the run didn't hear it"
      )
      assert.match(result.stdout, /this run's reading is already in history\.jsonl on branch secure-score-history/)
      assert.equal(result.outputs['previous-score'], '400')
    }))

  it('reads a history up to the documented 16 MiB through the blob API (2 MB and 15 MiB)', () =>
    withSim(async sim => {
      // 2 MB is past the contents API's 1 MB and under the branch's bound; 15 MiB is past the bound.
      for (const megabytes of [2, 15]) {
        const filler = reading(sim, 420, '2026-01-01T00:00:00Z')
        const lines = Math.floor((megabytes * 1024 * 1024) / filler.length)
        seedBranch(sim, filler.repeat(lines) + reading(sim, 400, '2026-11-20T06:00:00Z'))
        const result = await fallenRun(sim)
        assert.equal(result.exitCode, 1)
        assert.match(onlyError(result), /^Device secure score fell by 100 points, more than max-drop 15: from 400/, `${megabytes} MB`)
        const written = branchLines(sim)
        assert.deepEqual(
          written.slice(-2).map(line => line['score']),
          [400, 300],
          'the newest reading kept, this one added'
        )
        if (megabytes === 2) {
          assert.equal(written.length, lines + 2, 'every line kept under the bound')
        } else {
          const bytes = sim.github.branches.get(BRANCH)?.get('history.jsonl')?.length ?? 0
          assert.ok(bytes <= BRANCH_HISTORY_BYTES, `past the bound the oldest lines go: ${bytes} bytes`)
          assert.ok(written.length < lines + 2)
        }
      }
    }))

  it('an answer over the cap says the answer was larger, and names the history file, not api-url', () =>
    withSim(async sim => {
      seedBranch(sim)
      sim.github.contentsInlineLimit = 10
      sim.script.github.push({ status: 200, body: `{"content":"${'A'.repeat(25 * 1024 * 1024)}"}`, path: `${REPOSITORY}/git/blobs/*` })
      const result = await fallenRun(sim)
      assertUnevaluatedDrop(
        result,
        /The answer from GitHub's API \(127\.0\.0\.1:\d+\) was larger than \d+(\.\d)? MiB.*history\.jsonl on branch secure-score-history is larger than/
      )
      assert.doesNotMatch(result.stdout, /No answer from|api-url/)
    }))

  it('keeps lines that are not valid UTF-8 byte for byte, and warns of them as for a workspace file', () =>
    withSim(async sim => {
      const original = Buffer.concat([
        Buffer.from('{"note":"caf'),
        Buffer.from([0xe9, 0xff, 0xfe]),
        Buffer.from('"}\n'),
        Buffer.from(reading(sim, 400, '2026-11-20T06:00:00Z'))
      ])
      seedBranch(sim, original)
      const result = await scheduledRun(sim, { 'history-branch': BRANCH })
      assert.equal(result.exitCode, 0, result.stdout)
      const after = sim.github.branches.get(BRANCH)?.get('history.jsonl') ?? Buffer.alloc(0)
      assert.ok(after.subarray(0, original.length).equals(original), 'the bytes the file held are kept as they were')
      assert.deepEqual(annotations(result, 'warning'), [
        'history.jsonl on branch secure-score-history has 1 line(s) that are not readings; they are kept as they are and left out of the trend.'
      ])
      assert.equal(result.outputs['previous-score'], '400')
    }))

  it('a refusal that is not a race (a ruleset) is reported at once with GitHub’s reason, not retried', () =>
    withSim(async sim => {
      seedBranch(sim)
      for (let index = 0; index < 12; index++) {
        sim.script.github.push({
          ...json(409, { message: 'Repository rule violations found\n\nChanges must be made through a pull request.' }),
          path: HISTORY,
          method: 'PUT'
        })
      }
      const result = await fallenRun(sim)
      assert.equal(sim.requestsTo('github').filter(request => request.method === 'PUT').length, 1, 'one write, not twelve')
      assert.match(annotations(result, 'warning').join('\n'), /could not be written \(.*HTTP 409: Repository rule violations found/)
      assert.match(onlyError(result), /fell by 100 points/, 'the earlier readings were read, so max-drop still decides')
    }))

  it('a branch name with slashes keeps them in the refs path, so an existing branch is found, not taken for a missing one', () =>
    withSim(async sim => {
      sim.github.branches.set('compliance/secure-score', new Map([['README.md', Buffer.from('records')]]))
      const result = await scheduledRun(sim, { 'history-branch': 'compliance/secure-score' })
      assert.equal(result.exitCode, 0, result.stdout)
      assert.deepEqual(annotations(result, 'warning'), [])
      assert.deepEqual([...(sim.github.branches.get('compliance/secure-score')?.keys() ?? [])], ['README.md', 'history.jsonl'])
      assert.ok(sim.requestsTo('github').some(request => request.path.endsWith('/git/ref/heads/compliance/secure-score')))
    }))

  it('refuses a history-branch git refuses (.secure-score, a/.b, HEAD) before any request', () =>
    withSim(async sim => {
      for (const branch of ['.secure-score', 'a/.b', 'HEAD']) {
        const result = await scheduledRun(sim, { 'history-branch': branch })
        assert.equal(result.exitCode, 1)
        assert.match(
          onlyError(result),
          new RegExp(`^Invalid history-branch '${branch.replace('.', '\\.')}'\\. Expected a branch name git accepts`)
        )
      }
      assert.equal(sim.requests.length, 0)
    }))
})
