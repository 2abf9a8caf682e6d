/** The report and its renderings: outputs, summary, comment, badge. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { badgeSpec, type ScoreReport } from '../../src/report/model.js'
import { renderComment, renderSummary, sparkline } from '../../src/report/markdown.js'
import { reportOutputs } from '../../src/report/outputs.js'
import { staticBadgeUrl } from '../../src/report/badge.js'



describe('report', () => {
  const report: ScoreReport = {
    reading: { score: 340, time: '2019-12-03T09:15:58.1665846Z' },
    exposure: undefined,
    recommendations: undefined,
    history: undefined,
    checks: [{ input: 'min-score', limit: 400, value: 340, passed: false, message: 'below' }],
    enforced: true,
    tenant: 'contoso.onmicrosoft.com',
    cloud: 'commercial',
    region: undefined,
    apiHost: 'api.securitycenter.microsoft.com',
    authMethod: 'secret'
  }

  it('renders outputs', () => {
    assert.deepEqual(reportOutputs(report, { commentUrl: 'https://github.com/o/r/pull/1#issuecomment-2' }), {
      score: '340',
      'score-time': '2019-12-03T09:15:58.1665846Z',
      'min-score': '400',
      passed: 'false',
      'exposure-score': '',
      'previous-score': '',
      'score-delta': '',
      'badge-file': '',
      'badge-json': '{"schemaVersion":1,"label":"device secure score","message":"340","color":"red"}',
      'comment-url': 'https://github.com/o/r/pull/1#issuecomment-2'
    })
    const unchecked = reportOutputs({ ...report, checks: [] }, {})
    assert.equal(unchecked['min-score'], '')
    assert.equal(unchecked['passed'], 'true')
  })

  it('colours the badge by the checks and builds a shields.io URL', () => {
    assert.deepEqual(badgeSpec(report), { label: 'device secure score', message: '340', color: 'red' })
    assert.equal(badgeSpec({ ...report, checks: [] }).color, 'lightgrey')
    assert.equal(badgeSpec({ ...report, checks: [{ ...report.checks[0]!, passed: true }] }).color, 'green')
    assert.equal(
      staticBadgeUrl({ label: 'device secure-score_x', message: '412.5', color: 'green' }),
      'https://img.shields.io/badge/device%20secure--score__x-412.5-green'
    )
  })

  it('renders the summary with verdict, checks and where it came from', () => {
    const summary = renderSummary(report)
    assert.match(summary, /^## ❌ Device secure score: 340 points\n\n1 of 1 check failed\.\n/)
    assert.match(summary, /\| Score \(`min-score`\) \| at least 400 \| 340 \| ❌ failed \|/)
    assert.match(summary, /\| API host \| `api\.securitycenter\.microsoft\.com` \|/)
    assert.match(summary, /\| Signed in with \| client secret \|/)
    assert.match(renderSummary({ ...report, enforced: false }), /⚠️ failed \(warning\)/)
    assert.doesNotMatch(summary, /%/, 'points, never a percentage')
  })

  it('lists recommendations, exposure and the trend', () => {
    const history = {
      previous: { time: 'T2', score: 330, exposure: 40, tenant: 't', apiHost: 'h' },
      recent: [
        { time: 'T1', score: 300, exposure: null, tenant: 't', apiHost: 'h' },
        { time: 'T2', score: 330, exposure: 40, tenant: 't', apiHost: 'h' },
        { time: 'T3', score: 340, exposure: 42, tenant: 't', apiHost: 'h' }
      ]
    }
    const summary = renderSummary({
      ...report,
      exposure: { score: 42, time: 'T3' },
      recommendations: [{ name: 'Enable | Firewall', category: 'Network', product: 'Windows', configScoreImpact: 3.5, exposedMachines: 2, totalMachines: 9 }],
      history
    })
    assert.match(summary, /\| Exposure score \| 42, medium \(0-29 low/)
    assert.match(summary, /\| 1 \| Enable &#124; Firewall \| Network \| \+3\.5 \| 2 of 9 \|/)
    assert.match(summary, /\*\*340\*\* points, up 10 since the previous reading \(330 at T2\)/)
    assert.match(summary, /Trend: `▁▆█` 300 → 340 \(\+40\)/)
    assert.match(summary, /\| T3 \| 340 \| \+10 \| 42 \|/)
  })

  it('renders the comment from the same model, with marker and badge', () => {
    const comment = renderComment(report, 'https://github.com/o/r/actions/runs/1')
    assert.match(comment, /^<!-- defender-secure-score-action tenant=contoso\.onmicrosoft\.com -->\n!\[device secure score: 340\]\(https:\/\/img\.shields\.io\/badge\/device%20secure%20score-340-red\)/)
    assert.ok(comment.includes(renderSummary(report).split('\n').slice(0, 8).join('\n')), 'same overview as the summary')
    assert.match(comment, /\[this workflow run\]\(https:\/\/github\.com\/o\/r\/actions\/runs\/1\)/)
  })

  it('draws a sparkline', () => {
    assert.equal(sparkline([1, 2, 3, 4, 5, 6, 7, 8]), '▁▂▃▄▅▆▇█')
    assert.equal(sparkline([5, 5]), '▄▄')
  })

  it('escapes table-breaking characters', () => {
    assert.match(renderSummary({ ...report, reading: { score: 1, time: 'a|b<c>' } }), /\| Reported at \| a&#124;b&#60;c&#62; \|/)
  })
})
