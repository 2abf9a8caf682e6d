/**
 * The job summary, the pull-request comment and the tracking issue through GitHub's Markdown
 * renderer (cmark-gfm): of a run with everything on, and of reports whose every text from outside is
 * hostile (fuzzed). Checked on the HTML: every table row has its header's cells, no element outside
 * the allow-list, no link, image, mention or issue reference that the action did not make. (Every
 * scenario of the secret-leak sweep is checked the same way: test/e2e/hardening.e2e.test.ts.)
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { renderComment, renderSummary, trackingIssueContent } from '../../src/report/markdown.js'
import type { RunReport, ScoreReport } from '../../src/report/model.js'
import { vulnerabilityItem } from '../sim/simulator.js'
import { markdownProblems } from '../support/github-markdown.js'
import { pullRequestRun, runSwept, scheduledRun, secretInputs, withSim } from '../support/harness.js'

/** Text an API or a history could hold: Markdown, HTML, mentions, references, URLs, control characters. */
const hostile = fc.oneof(
  fc.string({
    unit: fc.constantFrom(
      '@',
      '#',
      '1',
      '[',
      ']',
      '(',
      ')',
      '<',
      '>',
      '|',
      '`',
      '*',
      '_',
      '!',
      '&',
      ':',
      '/',
      'w',
      '.',
      'a',
      '\n',
      ' ',
      'GH-',
      'https://',
      'www.',
      '<img src=x>',
      '<script>',
      '\\'
    )
  }),
  fc.constantFrom(
    '@octo-org/admins',
    '#1',
    'octo-org/octo-repo#2',
    'GH-3',
    '[x](https://evil.example)',
    '![i](https://evil.example/i.png)',
    'https://evil.example',
    'www.evil.example',
    '<details open>',
    '| a | b |',
    '<!-- x -->'
  )
)

function report(text: string): RunReport {
  // An accepted-risks entry whose every text is the hostile one.
  const risk = {
    id: text,
    kind: 'item' as const,
    name: text,
    reason: text,
    owner: text,
    expires: '2027-01-31',
    tenant: undefined,
    tenantLabel: undefined
  }
  const tenant: ScoreReport = {
    reading: { score: 340, time: '2026-11-24T09:00:00Z' },
    exposure: { score: 42, time: '2026-11-24T09:00:00Z' },
    recommendations: {
      active: [{ id: text, name: text, category: text, product: text, configScoreImpact: 2, exposedMachines: 3, totalMachines: 9 }],
      shown: 5,
      excepted: 1,
      accepted: []
    },
    deviceGroups: { groups: [{ name: text, score: 80 }], missing: [text], listed: [text], accepted: [] },
    devices: undefined,
    vulnerabilities: {
      kind: 'read',
      severity: 'critical',
      count: 1,
      listed: [
        {
          id: text,
          severity: 'critical',
          cvssV3: 9,
          epss: 0.5,
          exposedMachines: 2,
          publicExploit: true,
          exploitVerified: false,
          exploitInKit: false,
          partialException: true,
          firstDetected: undefined
        }
      ],
      added: [],
      changes: { kind: 'compared', since: text, added: [text], removed: [text] },
      underException: 2,
      accepted: 1,
      ages: new Map([[text, { id: text, since: '2026-10-01T00:00:00Z', from: 'defender' as const, ageDays: 54 }]])
    },
    scoreChange: {
      kind: 'explained',
      since: text,
      previousScore: 330,
      delta: 10,
      movers: [{ id: text, name: text, impactBefore: 9, impactNow: 2, exposedBefore: 40, exposedNow: 10, points: 7 }],
      appeared: [{ id: text, name: text, impactBefore: 0, impactNow: 1, exposedBefore: null, exposedNow: 3, points: -1 }],
      left: [{ id: text, name: text, impactBefore: 2, impactNow: 0, exposedBefore: 5, exposedNow: null, points: 2 }],
      unexplained: 2
    },
    stale: { since: text },
    acceptance: {
      where: text,
      items: [{ risk: { ...risk, entry: 1 }, item: text, leftOutOf: ['max-exploitable-vulnerabilities'], expired: false }],
      unused: [{ ...risk, entry: 2 }]
    },
    history: {
      previous: { time: text, score: 330, exposure: null, tenant: 't', apiHost: 'h' },
      recent: [
        { time: text, score: 330, exposure: null, tenant: 't', apiHost: 'h' },
        { time: '2026-11-24T09:00:00Z', score: 340, exposure: 42, tenant: 't', apiHost: 'h' }
      ],
      futureDated: 0,
      previousVulnerabilities: undefined,
      previousDevices: undefined,
      previousRecommendations: undefined,
      weekEarlier: undefined
    },
    checks: [
      {
        input: 'max-device-group-exposure-score',
        limit: 50,
        value: 80,
        passed: false,
        subject: text,
        message: text
      },
      { input: 'max-drop', limit: 5, value: undefined, passed: false, unevaluated: text, message: text }
    ],
    enforced: true,
    tenant: 'contoso.onmicrosoft.com',
    label: text.length > 0 ? text.slice(0, 100) : 'x',
    cloud: 'commercial',
    region: undefined,
    apiHost: 'api.security.microsoft.com',
    authMethod: 'oidc'
  }
  const context = {
    listedVulnerabilities: 5,
    enforced: true,
    cloud: 'commercial',
    region: undefined,
    apiHost: 'h',
    authMethod: 'oidc' as const,
    explainScoreChange: true
  }
  return { context, tenants: [{ kind: 'read', report: tenant }] }
}

const RUN_URL = 'https://github.com/octo-org/octo-repo/actions/runs/4242'

describe("GitHub's Markdown renderer as the judge", () => {
  it('the summary, comment and tracking issue of a run with everything on render to the allowed HTML only', () =>
    withSim(async sim => {
      const posted = await runSwept(sim, {
        ...pullRequestRun(sim),
        inputs: {
          ...secretInputs(sim),
          'comment-on-pr': 'true',
          'include-exposure-score': 'true',
          'device-groups': '*',
          vulnerabilities: '5',
          'max-exploitable-vulnerabilities': '10',
          'min-score': '300'
        }
      })
      const tracked = await scheduledRun(sim, { 'issue-on-failure': 'true', 'min-score': '500', vulnerabilities: '5' })
      const documents = [
        ['summary', posted.summary],
        ['scheduled summary', tracked.summary],
        ...sim.github.comments.map(comment => ['comment', comment.body]),
        ...sim.github.issues.map(issue => ['issue', issue.body])
      ]
      assert.ok(documents.length >= 4)
      assert.deepEqual(
        documents.flatMap(([where = '', markdown = '']) => markdownProblems(markdown, where)),
        []
      )
    }))

  it('hostile names from the API and the history (fuzzed) render inert in the summary, the comment and the issue', () => {
    fc.assert(
      fc.property(hostile, text => {
        const run = report(text)
        const outcome = run.tenants[0]
        assert.ok(outcome)
        const problems = [
          ...markdownProblems(renderSummary(run), 'summary'),
          ...markdownProblems(renderComment(run, RUN_URL), 'comment'),
          ...markdownProblems(trackingIssueContent(outcome, RUN_URL).body, 'issue')
        ]
        assert.deepEqual(problems, [], JSON.stringify(text))
      }),
      { numRuns: 300 }
    )
  })

  it('a CVE ID is the only link made from API text, and only when it has a CVE shape', () => {
    const problems = markdownProblems(renderSummary(report('CVE-2024-30080')), 'summary')
    assert.deepEqual(problems, [])
    assert.ok(vulnerabilityItem('CVE-2024-30080'))
  })

  it('catches what it should: a raw link, an image, a mention, a reference, a row that loses cells, an element off the list', () => {
    const caught = (markdown: string) => markdownProblems(markdown, 'x').join('\n')
    assert.match(caught('[x](https://evil.example)'), /did not make: https:\/\/evil\.example/)
    assert.match(caught('![x](https://evil.example/i.png)'), /did not make/)
    assert.match(caught('see https://evil.example'), /did not make/)
    assert.match(caught('hi @octocat'), /mention or issue reference GitHub would link: @octocat/)
    assert.match(caught('fixes #12'), /#12/)
    assert.match(caught('| a | b |\n|---|---|\n| 1 | 2 | 3 |'), /has 3 cells, its header 2|has 2 cells/)
    assert.match(caught('<div onclick="x">hi</div>'), /a <div> element/)
    assert.doesNotMatch(caught('<script>alert(1)</script>'), /<script> element/, "GitHub's tagfilter leaves it as text")
    assert.equal(caught('`@octocat` and `#12` in code'), '')
  })
})
