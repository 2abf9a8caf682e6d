/**
 * `npm run demo`: the action's main job end to end with no Microsoft account. It starts the local
 * simulator (Entra ID, the Defender API, GitHub's OIDC issuer and REST API), seeds a week of earlier
 * readings on a history branch, and runs the bundled dist/index.js as the runner would: signing in
 * with GitHub OIDC, gating on min-score 300 and on newly exploitable vulnerabilities, with the exposure
 * score, every device group, the top recommendations, the exploitable vulnerabilities and the trend chart. It prints what a workflow would see: the step log, the
 * outputs and the job summary.
 */
import { oidcRun, runAction } from './support/harness.js'
import { Simulator } from './sim/simulator.js'

const sim = await Simulator.start()
try {
  const options = oidcRun(sim)
  const week = [318, 322, 321, 327, 330, 334, 336].map((score, index) => ({
    time: new Date(Date.now() - (7 - index) * 24 * 60 * 60 * 1000).toISOString(),
    score,
    exposure: null,
    tenant: sim.tenantId,
    apiHost: new URL(sim.apiUrl).host,
    // Yesterday's reading knew three exploitable vulnerabilities: today two are new and one was fixed.
    ...(index === 6 ? { vulnerabilities: { severity: 'high', count: 3, ids: ['CVE-2024-21413', 'CVE-2023-36884', 'CVE-2021-40444'] } } : {})
  }))
  sim.branches.set(
    'secure-score-history',
    new Map([['history.jsonl', Buffer.from(week.map(entry => `${JSON.stringify(entry)}\n`).join(''))]])
  )
  const run = await runAction({
    ...options,
    githubToken: sim.githubToken,
    env: { ...options.env, GITHUB_API_URL: sim.githubApiUrl, GITHUB_REPOSITORY: 'octo-org/octo-repo' },
    inputs: {
      ...options.inputs,
      'min-score': '300',
      'include-exposure-score': 'true',
      'device-groups': '*',
      'history-branch': 'secure-score-history',
      vulnerabilities: '5',
      'vulnerability-severity': 'high',
      'max-new-exploitable-vulnerabilities': '3'
    }
  })
  const log = run.stdout.split('\n').filter(line => line && !line.startsWith('::add-mask::') && !line.startsWith('::debug::'))
  const section = (title: string): void => console.log(`\n----- ${title} -----`)
  console.log(
    'Simulated tenant, app, Defender API and GitHub on 127.0.0.1; signing in with GitHub OIDC; min-score 300 and ' +
      'max-new-exploitable-vulnerabilities 3, with the exposure score, every device group, the top recommendations, ' +
      'the exploitable vulnerabilities (high or critical) and a week of history on a branch.'
  )
  section('step log')
  console.log(log.join('\n'))
  section('outputs')
  for (const [name, value] of Object.entries(run.outputs)) {
    console.log(`${name}=${value}`)
  }
  section('job summary (Markdown)')
  console.log(run.summary.trim())
  section('result')
  console.log(`exit code ${run.exitCode} in ${Math.round(run.durationMs)} ms; requests seen by the simulator:`)
  for (const request of sim.requests) {
    console.log(`  ${request.service.padEnd(6)} ${request.method} ${request.path.split('?')[0]} -> ${request.status}`)
  }
  process.exitCode = run.exitCode ?? 1
} finally {
  await sim.close()
}
