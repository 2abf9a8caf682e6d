/** The report and its renderings: outputs, summary, comment, badge. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { badgeSpec, type RunReport, type ScoreReport } from '../../src/report/model.js'
import { inlineText } from '../../src/report/inline.js'
import {
  issueTitle,
  MAX_COMMENT_CHARS,
  MAX_TITLE_CHARS,
  renderComment as renderRunComment,
  renderSummary as renderRunSummary,
  sparkline,
  trackingIssueContent as tenantIssueContent
} from '../../src/report/markdown.js'
import { reportJson as runReportJson, reportOutputs as runReportOutputs, type Published } from '../../src/report/outputs.js'
import { staticBadgeUrl } from '../../src/report/badge.js'
import type { ReportJson } from '../../src/report/report-json.js'
import { timeText } from '../../src/report/inline.js'
import { shortReason } from '../../src/report/reasons.js'

const report: ScoreReport = {
  reading: { score: 340, time: '2019-12-03T09:15:58.1665846Z' },
  exposure: undefined,
  recommendations: undefined,
  deviceGroups: undefined,
  vulnerabilities: undefined,
  devices: undefined,
  acceptance: undefined,
  history: undefined,
  scoreChange: undefined,
  stale: undefined,
  checks: [{ input: 'min-score', limit: 400, value: 340, passed: false, message: 'below' }],
  enforced: true,
  tenant: 'contoso.onmicrosoft.com',
  label: 'contoso.onmicrosoft.com',
  cloud: 'commercial',
  region: undefined,
  apiHost: 'api.securitycenter.microsoft.com',
  authMethod: 'secret'
}

/** A run of one tenant: what the renderers take. */
function one(tenant: ScoreReport): RunReport {
  const { enforced, cloud, region, apiHost, authMethod } = tenant
  return {
    context: {
      listedVulnerabilities: tenant.vulnerabilities?.kind === 'read' ? tenant.vulnerabilities.listed.length : 0,
      explainScoreChange: false,
      enforced,
      cloud,
      region,
      apiHost,
      authMethod
    },
    tenants: [{ kind: 'read', report: tenant }]
  }
}
const renderSummary = (tenant: ScoreReport, maxBytes?: number) => renderRunSummary(one(tenant), maxBytes)
const renderComment = (tenant: ScoreReport, runUrl: string | undefined, maxChars?: number) =>
  renderRunComment(one(tenant), runUrl, maxChars)
const reportOutputs = (tenant: ScoreReport, published: Published) => runReportOutputs(one(tenant), published)
const reportJson = (tenant: ScoreReport, published: Published) => runReportJson(one(tenant), published)
const trackingIssueContent = (tenant: ScoreReport, runUrl: string | undefined) =>
  tenantIssueContent({ kind: 'read', report: tenant }, runUrl)

describe('report', () => {
  it('shows times in Markdown as UTC to the minute, and keeps the exact strings in outputs and report-json', () => {
    const summary = renderSummary(report)
    assert.match(summary, /^\| Reported at \| 2019-12-03 09:15 UTC \|$/m)
    assert.doesNotMatch(summary, /2019-12-03T09:15:58/)
    const outputs = reportOutputs(report, {})
    assert.equal(outputs['score-time'], '2019-12-03T09:15:58.1665846Z')
    assert.equal((JSON.parse(outputs['report-json']) as ReportJson).time, '2019-12-03T09:15:58.1665846Z')
    assert.equal(timeText('2026-12-01T23:59:59.9999999+01:00'), '2026-12-01 22:59 UTC', 'an offset is converted to UTC')
    assert.equal(timeText('not a time'), 'not a time')
  })

  it('gives a tenant that could not be read a short reason for the table', () => {
    assert.equal(
      shortReason(
        "Entra ID refused the token request (HTTP 400, AADSTS700016 unauthorized_client): AADSTS700016: Application with identifier 'x' was not found"
      ),
      'no consent in this tenant (AADSTS700016)'
    )
    assert.equal(
      shortReason(
        'The Defender API refused GET /api/configurationScore (HTTP 403, Forbidden).\nFix: the app needs the application permission Score.Read.All on WindowsDefenderATP, and admin consent'
      ),
      'no Score.Read.All (403)'
    )
    assert.equal(shortReason('AADSTS9999999: something new'), 'sign-in refused (AADSTS9999999)')
    assert.equal(shortReason("the run's time ran out (60 s to read Microsoft's answers)"), 'no answer in time')
    assert.ok(shortReason(`${'x'.repeat(300)}.`).length <= 80)
  })

  it('renders outputs', () => {
    const { 'report-json': document, ...outputs } = reportOutputs(report, { commentUrl: 'https://github.com/o/r/pull/1#issuecomment-2' })
    assert.deepEqual(outputs, {
      score: '340',
      'score-time': '2019-12-03T09:15:58.1665846Z',
      'min-score': '400',
      passed: 'false',
      'unevaluated-checks': '0',
      'exposure-score': '',
      'previous-score': '',
      'score-delta': '',
      'badge-file': '',
      'badge-json': '{"schemaVersion":1,"label":"device secure score","message":"340","color":"red"}',
      'comment-url': 'https://github.com/o/r/pull/1#issuecomment-2',
      'issue-url': '',
      'failed-tenants': 'contoso.onmicrosoft.com',
      'exploitable-vulnerabilities': '',
      'overdue-vulnerabilities': '',
      'active-devices': '',
      'active-devices-percent': ''
    })
    // Written out, not computed with the code under test: the schema README documents.
    const tenantFields = {
      score: 340,
      time: '2019-12-03T09:15:58.1665846Z',
      checks: [{ input: 'min-score', limit: 400, value: 340, passed: false }],
      checksOmitted: 0,
      exposureScore: null,
      exposureLevel: null,
      previousScore: null,
      previousTime: null,
      scoreDelta: null,
      recommendations: null,
      exceptedRecommendations: null,
      deviceGroups: null,
      deviceGroupsOmitted: null,
      vulnerabilities: null,
      devices: null,
      accepted: null,
      scoreChange: null,
      staleSince: null
    }
    assert.deepEqual(JSON.parse(document), {
      schemaVersion: 1,
      ...tenantFields,
      passed: false,
      enforced: true,
      tenant: 'contoso.onmicrosoft.com',
      cloud: 'commercial',
      region: null,
      apiHost: 'api.securitycenter.microsoft.com',
      commentUrl: 'https://github.com/o/r/pull/1#issuecomment-2',
      issueUrl: null,
      tenants: [{ tenant: 'contoso.onmicrosoft.com', name: 'contoso.onmicrosoft.com', ...tenantFields, passed: false }],
      tenantsOmitted: 0,
      acceptedRisks: null
    })
    assert.doesNotMatch(document, /\n/, 'one line')
    const unchecked = reportOutputs({ ...report, checks: [] }, {})
    assert.equal(unchecked['min-score'], '')
    assert.equal(unchecked['passed'], 'true')
  })

  it('report-json keeps every line break out, even U+2028 from the API', () => {
    const text = reportJson(
      {
        ...report,
        recommendations: {
          active: [
            {
              id: 'r',
              name: 'a\u2028b\nc',
              category: '',
              product: '',
              configScoreImpact: 1,
              exposedMachines: undefined,
              totalMachines: undefined
            }
          ],
          shown: 5,
          excepted: 0,
          accepted: []
        }
      },
      {}
    )
    assert.doesNotMatch(text, /[\n\r\u2028\u2029]/)
    assert.equal((JSON.parse(text) as { recommendations: Array<{ name: string }> }).recommendations[0]?.name, 'a\u2028b\nc')
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
      ],
      futureDated: 0,
      previousVulnerabilities: undefined,
      previousDevices: undefined,
      previousRecommendations: undefined,
      weekEarlier: undefined
    }
    const summary = renderSummary({
      ...report,
      exposure: { score: 42, time: 'T3' },
      recommendations: {
        active: [
          {
            id: 'sca-_-scid-1',
            name: 'Enable | Firewall',
            category: 'Network',
            product: 'Windows',
            configScoreImpact: 3.5,
            exposedMachines: 2,
            totalMachines: 9
          }
        ],
        shown: 5,
        excepted: 0,
        accepted: []
      },
      history
    })
    assert.match(summary, /\| Exposure score \| 42, medium \(0-29 low/)
    assert.match(summary, /\| 1 \| Enable \\\| Firewall \| Network \| \+3\.5 \| 2 of 9 \|/)
    assert.match(summary, /\*\*340\*\* points, up 10 since the previous reading \(330 at T2\)/)
    assert.match(summary, /Trend: `▁▆█` 300 → 340 \(\+40\)/)
    assert.match(summary, /\| T3 \| 340 \| \+10 \| 42 \|/)
  })

  it('renders the comment from the same model, with marker and badge', () => {
    const comment = renderComment(report, 'https://github.com/o/r/actions/runs/1')
    assert.match(
      comment,
      /^<!-- defender-secure-score-action tenant=contoso\.onmicrosoft\.com -->\n!\[device secure score: 340\]\(https:\/\/img\.shields\.io\/badge\/device%20secure%20score-340-red\)/
    )
    assert.ok(comment.includes(renderSummary(report).split('\n').slice(0, 8).join('\n')), 'same overview as the summary')
    assert.match(comment, /\[this workflow run\]\(https:\/\/github\.com\/o\/r\/actions\/runs\/1\)/)
  })

  it('draws a sparkline', () => {
    assert.equal(sparkline([1, 2, 3, 4, 5, 6, 7, 8]), '▁▂▃▄▅▆▇█')
    assert.equal(sparkline([5, 5]), '▄▄')
  })

  it('escapes table-breaking characters', () => {
    assert.match(renderSummary({ ...report, reading: { score: 1, time: 'a|b<c>' } }), /\| Reported at \| a\\\|b\\<c\\> \|/)
  })

  it('markdown from the API is inert: no mention, image, link, HTML or broken row, and cells are cut', () => {
    const hostile = '@org/team ![img](https://evil.example/x.png) [click](http://evil.example) www.evil.example <img src=x> a|b\rc\nd'
    const summary = renderSummary({
      ...report,
      recommendations: {
        active: [
          {
            id: 'sca-_-scid-2',
            name: hostile + 'x'.repeat(500),
            category: '`code`',
            product: '',
            configScoreImpact: -3,
            exposedMachines: 1e21,
            totalMachines: 2
          }
        ],
        shown: 5,
        excepted: 0,
        accepted: []
      }
    })
    const row = summary.split('\n').find(line => line.startsWith('| 1 |')) ?? ''
    assert.match(row, /@\u200borg\/team/, 'the mention is broken by a zero-width space')
    assert.match(row, /\\!\\\[img\\\]\\\(https:\u200b\/\/evil/, 'the image syntax is escaped and its URL does not autolink')
    assert.match(row, /w\u200bww\.evil/, 'a bare www. address does not autolink')
    assert.match(row, /\\<img src=x\\>/, 'HTML is escaped')
    assert.ok(row.includes('a\\|b\\\\u000dc\\\\u000ad'), 'the pipe is escaped and control characters are shown, not obeyed')
    assert.match(row, /x…/, 'a long name is cut with an ellipsis')
    assert.ok(row.length < 400, `the row is bounded: ${row.length}`)
    assert.match(row, /\| -3 \| 1000000000000000000000 of 2 \|$/, 'numbers in plain decimal, a negative impact without +-')
  })

  it("keeps the pull-request comment within GitHub's 65,536 characters, leaving rows out and saying so", () => {
    const long = {
      id: 'sca-_-scid-3',
      name: 'n'.repeat(5000),
      category: 'c'.repeat(5000),
      product: '',
      configScoreImpact: 1,
      exposedMachines: 1,
      totalMachines: 1
    }
    const many = { ...report, recommendations: { active: Array.from({ length: 50 }, () => long), shown: 50, excepted: 0, accepted: [] } }
    const comment = renderComment(many, undefined)
    assert.ok(comment.length <= MAX_COMMENT_CHARS, `${comment.length} characters`)
    assert.equal(comment.split('\n').filter(line => line.startsWith('| 50 |')).length, 1, 'cut cells keep every row within the limit')
    const tight = renderComment(many, undefined, 5000)
    assert.ok(tight.length <= 5000, `${tight.length} characters`)
    assert.match(tight, /### Top 50 recommendations by score impact/)
    assert.match(tight, /\d+ more rows? left out to fit GitHub's limit on the length of a comment; the job summary of the run lists more\./)
  })
})

describe('report bounds', () => {
  const base: ScoreReport = {
    ...report,
    reading: { score: 339.996, time: '2026-11-24T08:00:00Z' },
    checks: [{ input: 'min-score', limit: 340, value: 339.996, passed: false, message: 'below' }]
  }

  it('never shows a failing score as the threshold it missed (339.996 with min-score 340)', () => {
    assert.equal(badgeSpec(base).message, '339.996')
    assert.match(renderSummary(base), /^## ❌ Device secure score: 339\.996 points$/m)
    assert.equal(badgeSpec({ ...base, checks: [] }).message, '340', 'without a threshold, two decimals as always')
  })

  it('keeps an issue title within 256 characters whatever the tenant', () => {
    assert.equal(
      issueTitle('contoso.onmicrosoft.com', 'min-score'),
      'Device secure score check failing for tenant contoso.onmicrosoft.com: min-score'
    )
    const long = issueTitle(`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(50)}.com`, 'min-score, max-drop')
    assert.ok(long.length <= MAX_TITLE_CHARS, `${long.length}`)
    assert.match(long, /^Device secure score check failing for tenant a{63}\.b+.*…: min-score, max-drop$/)
  })

  it('makes references inert: #1, GH-2 and owner/repo#3 neither link nor cross-reference', () => {
    assert.equal(inlineText('Fix #1, gh-2 and octo/app#3; # alone'), 'Fix \\#\u200b1, gh\u200b-2 and octo/app\\#\u200b3; \\# alone')
  })

  it('fits the summary within 1 MiB and says where the rest is', () => {
    const groups = Array.from({ length: 10_000 }, (_, index) => ({ name: `${'\u0001'.repeat(120)}${index}`, score: 80 }))
    const summary = renderSummary({ ...base, deviceGroups: { groups, missing: [], listed: [], accepted: [] } }, 200_000)
    assert.ok(Buffer.byteLength(summary) <= 200_000, `${Buffer.byteLength(summary)} bytes`)
    assert.match(summary, /\d+ more rows left out to fit GitHub's limit on the length of a job summary; the report-json output lists more/)
  })

  it("fits the tracking issue's body within 65,536 characters", () => {
    const checks = Array.from({ length: 2000 }, (_, index) => ({
      input: 'max-device-group-exposure-score' as const,
      limit: 50,
      value: 80,
      passed: false,
      subject: `group ${'x'.repeat(100)} ${index}`,
      message: 'above'
    }))
    const content = trackingIssueContent({ ...base, checks }, 'https://github.com/o/r/actions/runs/1')
    assert.ok(content.body.length <= MAX_COMMENT_CHARS, `${content.body.length}`)
    assert.match(content.body, /more rows left out to fit GitHub's limit on the length of an issue/)
  })

  it('report-json gives a check that could not be evaluated with passed false, value null and the reason', () => {
    const unevaluated = {
      input: 'max-drop' as const,
      limit: 15,
      value: undefined,
      passed: false,
      unevaluated: 'history-file could not be read (EISDIR)',
      message: 'x'
    }
    const document = JSON.parse(reportJson({ ...base, checks: [unevaluated] }, {})) as ReportJson
    assert.deepEqual(document.checks, [
      {
        input: 'max-drop',
        limit: 15,
        value: null,
        passed: false,
        reason: 'could not be evaluated: history-file could not be read (EISDIR)'
      }
    ])
    assert.equal(document.checksOmitted, 0)
  })
})

describe('many tenants', () => {
  const tenants = (count: number, label: (index: number) => string): RunReport => ({
    context: one(report).context,
    tenants: Array.from({ length: count }, (_, index) => ({
      kind: 'read' as const,
      report: {
        ...report,
        tenant: `t${index}.example.com`,
        label: label(index),
        reading: { score: 300 + index, time: report.reading.time }
      }
    }))
  })

  it('with 500 tenants the summary stays under 1 MiB and the comment under 65,536 characters, the table kept', () => {
    const run = tenants(500, index => `Customer ${index} ${'x'.repeat(20)}`)
    const summary = renderRunSummary(run)
    assert.ok(Buffer.byteLength(summary) <= 1024 * 1024, `${Buffer.byteLength(summary)} bytes`)
    const comment = renderRunComment(run, 'https://github.com/o/r/actions/runs/1')
    assert.ok(comment.length <= MAX_COMMENT_CHARS, `${comment.length} characters`)
    assert.equal(comment.split('\n').filter(line => line.startsWith('| Customer ')).length, 500, 'every tenant has its row')
    assert.match(comment, /Details of \d+ more tenants left out to fit GitHub's limit on the length; the job summary of the run has them\./)
  })

  it('names in a details summary cannot open a tag', () => {
    const summary = renderRunSummary(tenants(2, index => `<img src=x>${index}`))
    assert.match(summary, /<summary>&lt;img src=x&gt;0<\/summary>/)
  })
})

describe('report-json has an overall size cap', () => {
  it('leaves tenants out past the cap, failed and unread ones kept first, and counts what it left out', () => {
    const base = one(report)
    const unread = Array.from({ length: 300 }, (_, index) => ({
      kind: 'unread' as const,
      tenant: `t${index}.example.com`,
      label: `T${index}`,
      error: `could not sign in: ${'x'.repeat(400)}`,
      checksAsked: []
    }))
    const run: RunReport = { ...base, tenants: [...base.tenants, ...unread] }
    const text = runReportJson(run, {}, 50_000)
    assert.ok(Buffer.byteLength(text) <= 50_000, `${Buffer.byteLength(text)} bytes`)
    const document = JSON.parse(text) as ReportJson
    assert.ok(document.tenants.length > 10)
    assert.equal(document.tenants.length + document.tenantsOmitted, 301)
    assert.ok(
      document.tenants.every(tenant => tenant.passed === false),
      'the passing tenant is the first left out'
    )
  })
})
