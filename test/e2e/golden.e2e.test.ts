/**
 * The golden run: one run with every source and three tenants (one of them unreadable), whose every
 * published text (outputs, report-json, the summary, the pull-request comment, the tracking issues,
 * the history lines, the badges) is compared byte for byte with the fixtures in test/fixtures/golden/,
 * times, ports and random marks normalised. A change of what the action publishes shows here as a
 * diff of those files; `GOLDEN=write` rewrites them, for a change that means to.
 */
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { it } from 'node:test'
import { vulnerabilityItem, type Simulator } from '../sim/simulator.js'
import { stringify } from 'yaml'
import { BASE_SHA, pullRequestRun, ROOT, runSwept, secretInputs, withSim } from '../support/harness.js'

const FIXTURES = join(ROOT, 'test', 'fixtures', 'golden')
const FABRIKAM = '11111111-2222-3333-4444-555555555555'
const NORTHWIND = '22222222-3333-4444-5555-666666666666'
/** The API's `time` in this run, and the earlier readings' on the branch. */
const NOW = '2026-12-01T02:40:20.3250000Z'
const BRANCH = 'secure-score-history'

/** When Defender first saw each vulnerability (none for one of them: the history dates it). */
const FIRST_DETECTED: Record<string, string | undefined> = {
  'CVE-2024-30080': '2026-10-01T00:00:00Z',
  'CVE-2023-36884': undefined,
  'CVE-2024-38063': '2026-11-20T00:00:00Z'
}

function arrange(sim: Simulator): void {
  sim.defender.vulnerabilities = sim.defender.vulnerabilities.map(item => {
    const id = String((item as { id: string }).id)
    return { ...(item as Record<string, unknown>), firstDetected: id in FIRST_DETECTED ? FIRST_DETECTED[id] : '2026-11-25T00:00:00Z' }
  })
  sim.defender.score = { score: 340, time: NOW }
  sim.defender.exposure = { score: 42, time: NOW }
  sim.addTenant(FABRIKAM, 'fabrikam.onmicrosoft.com', 0, {
    score: { score: 436.5, time: NOW },
    exposure: { score: 61, time: NOW },
    deviceGroups: [
      { score: 18, rbacGroupName: 'Finance' },
      { score: 75.5, rbacGroupName: 'Lab | *kiosks*' }
    ],
    recommendations: [
      {
        id: 'sca-9',
        recommendationName: 'Enable Credential Guard',
        recommendationCategory: 'Accounts',
        productName: 'windows_11',
        configScoreImpact: 3.5,
        exposedMachinesCount: 8,
        totalMachineCount: 20
      }
    ],
    vulnerabilities: [
      vulnerabilityItem('CVE-2024-38063', { exposedMachines: 3, firstDetected: '2026-09-15T00:00:00Z' }),
      vulnerabilityItem('CVE-2024-21413', { epss: 0.95, firstDetected: '2026-11-28T00:00:00Z' })
    ]
  })
  sim.addTenant(NORTHWIND, 'northwind.onmicrosoft.com', 300, { consented: false })
  const earlier = (tenant: string, score: number, time: string, ids: string[], recommendations?: unknown[]) =>
    JSON.stringify({
      time,
      score,
      exposure: 40,
      tenant,
      apiHost: new URL(sim.apiUrl).host,
      vulnerabilities: { severity: 'high', count: ids.length, ids },
      ...(recommendations ? { recommendations: { items: recommendations, complete: true } } : {})
    })
  const lines = [
    earlier(sim.tenantDomain, 352, '2026-11-29T02:40:00Z', ['CVE-2024-21413']),
    earlier(FABRIKAM, 440, '2026-11-29T02:41:00Z', ['CVE-2024-38063']),
    // The score fell 11.25 since: Local Admin password management weighs more, the firewall appeared, sca-5 left.
    earlier(
      sim.tenantDomain,
      351.25,
      '2026-11-30T02:40:00Z',
      ['CVE-2024-21413', 'CVE-2021-40444'],
      [
        ['sca-2', 3, 12],
        ['sca-4', 4, 25],
        ['sca-5', 1.5, 8]
      ]
    ),
    earlier(FABRIKAM, 438, '2026-11-30T02:41:00Z', ['CVE-2024-38063'])
  ]
  sim.github.branches.set(BRANCH, new Map([['history.jsonl', Buffer.from(`${lines.join('\n')}\n`)]]))
  const risks = [
    {
      id: 'CVE-2024-21413',
      reason: 'Outlook on kiosk images; the vendor ships a fix in March',
      owner: 'secops@contoso.com',
      expires: DATES.later
    },
    {
      id: 'device-group:lab | *kiosks*',
      reason: 'Lab machines, wiped nightly',
      owner: 'Lab team',
      expires: DATES.soon,
      tenant: 'Fabrikam'
    },
    { id: 'CVE-2024-38063', reason: 'Waiting for the driver update', owner: 'Platform team', expires: DATES.gone, tenant: 'Fabrikam' },
    { id: 'CVE-2021-44228', reason: 'Log4j on the build agents', owner: 'Build team', expires: DATES.later }
  ]
  sim.github.branches.set(BASE_SHA, new Map([[ACCEPTED_RISKS, Buffer.from(stringify(risks))]]))
}

const ACCEPTED_RISKS = '.github/accepted-risks.yml'
/** Expiry dates from the run's day: named in the fixtures, as the day changes. */
const DATES = { later: inDays(90), soon: inDays(5), gone: inDays(-2) }

function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)
}

const INPUTS = (sim: Simulator): Record<string, string> => ({
  ...secretInputs(sim),
  'tenant-id': [`${sim.tenantDomain} name="Contoso Ltd"`, `${FABRIKAM} name=Fabrikam min-score=450`, `${NORTHWIND} name=Northwind`].join(
    '\n'
  ),
  'min-score': '300',
  'include-exposure-score': 'true',
  'max-exposure-score': '50',
  'device-groups': '*',
  'max-device-group-exposure-score': '70',
  recommendations: '5',
  vulnerabilities: '5',
  'vulnerability-severity': 'high',
  'max-exploitable-vulnerabilities': '10',
  'max-new-exploitable-vulnerabilities': '3',
  'max-exploitable-vulnerability-age-days': '30',
  'history-branch': BRANCH,
  'max-drop': '10',
  'comment-on-pr': 'true',
  'issue-on-failure': 'true',
  'badge-file': 'badges/{tenant}.svg',
  'accepted-risks': ACCEPTED_RISKS
})

/** What varies from run to run: the workspace, times of the moment, random IDs, loopback ports, the run's random mark. */
function normalised(text: string, sim: Simulator, workspace: string): string {
  const fixed = new Set([sim.tenantId, FABRIKAM, NORTHWIND, sim.entra.app.clientId])
  return text
    .replaceAll(workspace, '<workspace>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<now>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, id => (fixed.has(id) ? id : '<uuid>'))
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
    .replace(/(\d+\.\d+)\.[0-9a-f]{12}\b/g, '$1.<random>')
    .replace(new RegExp(Object.values(DATES).join('|'), 'g'), date => `<${Object.entries(DATES).find(([, value]) => value === date)?.[0]}>`)
}

it('the golden run: every published text of a run with every source and three tenants, one unreadable, is as the fixtures say', () =>
  withSim(async sim => {
    arrange(sim)
    const workspace = await mkdtemp(join(tmpdir(), 'secure-score-golden-'))
    try {
      const result = await runSwept(sim, { ...pullRequestRun(sim), workspace, inputs: INPUTS(sim) })
      assert.equal(result.exitCode, 1, result.stdout)
      const { 'report-json': report = '{}', ...outputs } = result.outputs
      const badges = await readdir(join(workspace, 'badges'))
      const published: Record<string, string> = {
        'outputs.json': `${JSON.stringify(outputs, null, 2)}\n`,
        'report.json': `${JSON.stringify(JSON.parse(report), null, 2)}\n`,
        'summary.md': result.summary,
        'comment.md': sim.github.comments.map(comment => comment.body).join('\n---\n'),
        'issues.md': sim.github.issues.map(issue => `# ${issue.title}\n\n${issue.body}`).join('\n---\n'),
        'history.jsonl': sim.github.branches.get(BRANCH)?.get('history.jsonl')?.toString('utf8') ?? '',
        'badges.txt': (
          await Promise.all(badges.sort().map(async name => `${name}\n${await readFile(join(workspace, 'badges', name), 'utf8')}\n`))
        ).join('')
      }
      if (process.env['GOLDEN'] === 'write') {
        await mkdir(FIXTURES, { recursive: true })
        for (const [name, text] of Object.entries(published)) await writeFile(join(FIXTURES, name), normalised(text, sim, workspace))
      }
      for (const [name, text] of Object.entries(published)) {
        assert.equal(
          normalised(text, sim, workspace),
          await readFile(join(FIXTURES, name), 'utf8'),
          `${name} differs from test/fixtures/golden/${name}`
        )
      }
    } finally {
      await rm(workspace, { recursive: true, force: true })
    }
  }))
