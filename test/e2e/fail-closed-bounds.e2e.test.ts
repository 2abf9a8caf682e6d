/**
 * Fail closed, the bounds: one deadline for the reading and one for publishing, and every body within
 * GitHub's sizes. Apart from ./fail-closed.e2e.test.ts so that the runner reads them alongside the others.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { SCORE_PATH } from '../../src/sources/score/source.js'
import { MAX_COMMENT_CHARS, MAX_SUMMARY_BYTES } from '../../src/report/markdown.js'
import { REPORT_LIST_CAP } from '../../src/report/outputs.js'
import { json, vulnerabilityItem } from '../sim/simulator.js'
import { annotations, onlyError, pullRequestRun, runSwept, scheduledRun, secretInputs, withSim } from '../support/harness.js'

import { BRANCH, report, REPOSITORY } from '../support/fail-closed.js'

describe('fail closed: bounds', () => {
  it('the reading has one deadline: 40 pages answered in 0.3 s each (timeout-seconds 1) cannot hold a run; what is unread fails closed', () =>
    withSim(async sim => {
      sim.defender.vulnerabilities = Array.from({ length: 40 }, (_, index) => vulnerabilityItem(`CVE-2025-${1000 + index}`))
      sim.defender.vulnerabilityServerPageSize = 1
      sim.serviceLatencyMs.api = 300
      const result = await runSwept(sim, {
        inputs: {
          ...secretInputs(sim),
          'max-exploitable-vulnerabilities': '0',
          'timeout-seconds': '1',
          'max-retries': '0',
          recommendations: '0'
        }
      })
      assert.equal(result.exitCode, 1)
      assert.match(
        onlyError(result),
        /^Exploitable vulnerabilities \(max-exploitable-vulnerabilities\) could not be evaluated: .*the run's time ran out \(2 s to read Microsoft's answers/
      )
      const pages = sim.requestsTo('api').filter(request => request.path.startsWith('/api/vulnerabilities')).length
      assert.ok(pages <= 10, `${pages} pages were asked for within the 2 s, not 40`)
      assert.equal(result.outputs['passed'], 'false')
    }))

  it('the reading has one deadline for many tenants too: tenants unread by then could not be read, and fail', () =>
    withSim(async sim => {
      const ids = Array.from({ length: 400 }, (_, index) => `00000000-0000-0000-0000-${String(index).padStart(12, '0')}`)
      for (const id of ids) sim.addTenant(id, `t${id.slice(-4)}.example.com`, 300)
      sim.serviceLatencyMs.api = 300
      const result = await runSwept(sim, {
        inputs: { ...secretInputs(sim), 'tenant-id': ids.join(','), 'timeout-seconds': '1', 'max-retries': '0', recommendations: '5' }
      })
      assert.equal(result.exitCode, 1)
      const tenants = (report(result)['tenants'] as Array<Record<string, unknown>>) ?? []
      const timedOut = tenants.filter(tenant => /the run's time ran out/.test(String(tenant['error'])))
      assert.ok(timedOut.length >= 50, `${timedOut.length} of 400 tenants were cut by the deadline`)
      assert.ok(sim.requestsTo('api').length <= 700, `${sim.requestsTo('api').length} requests, not 800`)
    }))

  it('publishing keeps its deadline after a retry has waited', () =>
    withSim(async sim => {
      sim.serviceLatencyMs.github = 600
      sim.script.github.push(json(503, { message: 'Service Unavailable' }))
      const options = pullRequestRun(sim)
      const result = await runSwept(sim, {
        ...options,
        inputs: {
          ...secretInputs(sim),
          'min-score': '500',
          'timeout-seconds': '1',
          'max-retries': '1',
          'history-branch': BRANCH,
          'comment-on-pr': 'true',
          'issue-on-failure': 'true'
        }
      })
      assert.equal(result.exitCode, 1)
      assert.match(annotations(result, 'warning').join('\n'), /the run's 2 s for GitHub's API .* ran out/)
      const github = sim.requestsTo('github').length
      assert.ok(github <= 7, `${github} GitHub requests were answered, not the dozen a run makes without a deadline`)
    }))

  it("publishing has a deadline: past it the verdict is given and the rest is a warning (25 slow GitHub requests don't hold a run)", () =>
    withSim(async sim => {
      sim.serviceLatencyMs.github = 900
      const options = pullRequestRun(sim)
      const result = await runSwept(sim, {
        ...options,
        inputs: {
          ...secretInputs(sim),
          'min-score': '500',
          'timeout-seconds': '1',
          'max-retries': '0',
          'history-branch': BRANCH,
          'comment-on-pr': 'true',
          'issue-on-failure': 'true'
        }
      })
      assert.equal(result.exitCode, 1)
      assert.match(onlyError(result), /below the threshold min-score 500/)
      assert.match(
        annotations(result, 'warning').join('\n'),
        /the run's 1 s for GitHub's API \(timeout-seconds x \(max-retries \+ 1\).*\) ran out/
      )
      const github = sim.requestsTo('github').length
      assert.ok(github <= 3, `${github} GitHub requests were answered, not the dozen a run makes without a deadline`)
    }))

  it('the comment and the tracking issue stay under 65,536 characters with 470 long-named groups; the summary under 1 MiB with 10,000', () =>
    withSim(async sim => {
      sim.defender.deviceGroups = Array.from({ length: 470 }, (_, index) => ({
        score: 80,
        rbacGroupName: `${'G'.repeat(130)}${index}`
      }))
      const options = pullRequestRun(sim)
      const posted = await runSwept(sim, {
        ...options,
        inputs: {
          ...secretInputs(sim),
          'device-groups': '*',
          'max-device-group-exposure-score': '50',
          'comment-on-pr': 'true',
          'issue-on-failure': 'true'
        }
      })
      assert.equal(posted.exitCode, 1)
      assert.deepEqual(annotations(posted, 'warning'), [], 'both writes were taken')
      const [comment] = sim.github.comments
      const [issue] = sim.github.issues
      for (const body of [comment?.body ?? '', issue?.body ?? '']) {
        assert.ok(body.length > 10_000 && body.length <= MAX_COMMENT_CHARS, `${body.length} characters`)
        assert.match(
          body,
          /\d+ more rows left out to fit GitHub's limit on the length of (a comment|an issue); the job summary of the run lists more\./
        )
      }

      sim.defender.deviceGroups = Array.from({ length: 10_000 }, (_, index) => ({
        score: 10,
        rbacGroupName: `${'G'.repeat(130)}${index}`
      }))
      const summarised = await scheduledRun(sim, { 'device-groups': '*', 'max-device-group-exposure-score': '50' })
      assert.equal(summarised.exitCode, 0, summarised.stdout.slice(0, 2000))
      assert.ok(Buffer.byteLength(summarised.summary) <= MAX_SUMMARY_BYTES, `${Buffer.byteLength(summarised.summary)} bytes`)
      assert.match(
        summarised.summary,
        /more rows left out to fit GitHub's limit on the length of a job summary; the report-json output lists more/
      )
      const document = report(summarised)
      assert.equal((document['deviceGroups'] as unknown[]).length, REPORT_LIST_CAP)
      assert.equal(document['deviceGroupsOmitted'], 10_000 - REPORT_LIST_CAP)
      assert.equal(document.checks.length, REPORT_LIST_CAP)
      assert.equal(document['checksOmitted'], 10_000 - REPORT_LIST_CAP)
    }))

  it("a 422 from GitHub is reported with GitHub's own reason (errors[].message)", () =>
    withSim(async sim => {
      sim.script.github.push({
        ...json(422, {
          message: 'Validation Failed',
          errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }]
        }),
        path: `${REPOSITORY}/issues/7/comments`,
        method: 'POST'
      })
      const result = await runSwept(sim, { ...pullRequestRun(sim), inputs: { ...secretInputs(sim), 'comment-on-pr': 'true' } })
      assert.equal(result.exitCode, 0)
      assert.match(
        annotations(result, 'warning').join('\n'),
        /HTTP 422: Validation Failed; body is too long \(maximum is 65536 characters\)/
      )
    }))

  it('Retry-After that is neither seconds nor an HTTP date is treated as absent; a huge one is printed in plain seconds', () =>
    withSim(async sim => {
      const throttled = (retryAfter: string) => ({
        ...json(429, { error: { code: 'TooManyRequests', message: 'Rate limit is exceeded', target: 'r' } }, { 'Retry-After': retryAfter }),
        path: SCORE_PATH
      })
      sim.script.api.push(throttled('Retry in 5'))
      const prose = await runSwept(sim, { inputs: { ...secretInputs(sim), recommendations: '0' } })
      assert.equal(prose.exitCode, 0, prose.stdout)
      assert.match(prose.stdout, /the Defender API answered HTTP 429; retrying in [234]\.\d s/, 'the throttling wait, not a date in 2001')
      sim.script.api.push(throttled(`1${'0'.repeat(23)}`))
      const huge = await runSwept(sim, { inputs: { ...secretInputs(sim), recommendations: '0' } })
      assert.equal(huge.exitCode, 0, huge.stdout)
      assert.match(annotations(huge, 'warning').join('\n'), /asked to wait \d{20,} s before retrying; waiting 60 s/)
    }))
})
