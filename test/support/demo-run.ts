/**
 * The demo's run (`npm run demo`, `npm run screenshot`): a week of earlier readings on a history
 * branch, then the bundled action as the runner runs it, signing in with GitHub OIDC, gating on
 * min-score 300, newly exploitable vulnerabilities and a 30-day remediation deadline (one CVE is overdue),
 * with every extra on, two accepted risks (one of them expiring soon) on the default branch, and a
 * score change since yesterday explained by three recommendations.
 */
import { daysAgo, type Simulator } from '../sim/simulator.js'
import { oidcRun, runAction, type ActionRun } from './harness.js'

export function demoRun(sim: Simulator): Promise<ActionRun> {
  const options = oidcRun(sim)
  const week = [318, 322, 321, 327, 330, 334, 336].map((score, index) => ({
    time: new Date(Date.now() - (7 - index) * 24 * 60 * 60 * 1000).toISOString(),
    score,
    exposure: null,
    tenant: sim.tenantId,
    apiHost: new URL(sim.apiUrl).host,
    // Yesterday's reading knew three exploitable vulnerabilities (today two are new and one was fixed), and
    // the recommendations' impacts: three of them weigh less today, which explains most of the 4 points gained.
    ...(index === 6
      ? {
          vulnerabilities: { severity: 'high', count: 3, ids: ['CVE-2024-21413', 'CVE-2023-36884', 'CVE-2021-40444'] },
          recommendations: {
            items: [
              ['sca-2', 8.75, 36],
              ['sca-4', 4.5, 27],
              ['sca-1', 4, 20]
            ],
            complete: true
          }
        }
      : {})
  }))
  // One exploitable vulnerability has been on the devices for 45 days: past the 30-day remediation deadline.
  sim.defender.vulnerabilities = sim.defender.vulnerabilities.map(item =>
    (item as { id?: string }).id === 'CVE-2023-36884' ? { ...(item as Record<string, unknown>), firstDetected: daysAgo(45) } : item
  )
  // Accepted on the default branch: one CVE accepted for two months, one whose acceptance ends in five days.
  const inDays = (days: number) => new Date(Date.now() + days * 24 * 60 * 60 * 1000).toISOString().slice(0, 10)
  const risks = [
    `- id: CVE-2024-38063\n  reason: Kiosk image; the vendor ships the fixed driver in the next release\n  owner: secops@contoso.com\n  expires: ${inDays(60)}`,
    `- id: CVE-2024-30080\n  reason: Message Queuing on two legacy servers, decommissioned this month\n  owner: platform-team\n  expires: ${inDays(5)}`
  ]
  sim.github.branches.get('main')?.set('.github/accepted-risks.yml', Buffer.from(`${risks.join('\n')}\n`))
  sim.github.branches.set(
    'secure-score-history',
    new Map([['history.jsonl', Buffer.from(week.map(entry => `${JSON.stringify(entry)}\n`).join(''))]])
  )
  return runAction({
    ...options,
    githubToken: sim.github.token,
    env: { ...options.env, GITHUB_API_URL: sim.githubApiUrl, GITHUB_REPOSITORY: 'octo-org/octo-repo' },
    inputs: {
      ...options.inputs,
      'min-score': '300',
      'include-exposure-score': 'true',
      'device-groups': '*',
      'history-branch': 'secure-score-history',
      vulnerabilities: '5',
      'vulnerability-severity': 'high',
      'max-new-exploitable-vulnerabilities': '3',
      'max-exploitable-vulnerability-age-days': '30',
      'min-active-devices-percent': '70',
      'accepted-risks': '.github/accepted-risks.yml'
    }
  })
}
