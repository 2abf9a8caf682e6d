/**
 * `npm run demo`: the action's main job end to end with no Microsoft account. It starts the local
 * simulator (Entra ID, the Defender API, GitHub's OIDC issuer and REST API), seeds a week of earlier
 * readings on a history branch, and runs the bundled dist/index.js as the runner would: signing in
 * with GitHub OIDC, gating on min-score 300 and on newly exploitable vulnerabilities, with the exposure
 * score, every device group, the top recommendations, the exploitable vulnerabilities and the trend chart. It prints what a workflow would see: the step log, the
 * outputs and the job summary.
 */
import { demoRun } from './support/demo-run.js'
import { Simulator } from './sim/simulator.js'

const sim = await Simulator.start()
try {
  const run = await demoRun(sim)
  const log = run.stdout.split('\n').filter(line => line && !line.startsWith('::add-mask::') && !line.startsWith('::debug::'))
  const section = (title: string): void => console.log(`\n----- ${title} -----`)
  console.log(
    'Simulated tenant, app, Defender API and GitHub on 127.0.0.1; signing in with GitHub OIDC; min-score 300, ' +
      'max-new-exploitable-vulnerabilities 3 and a 30-day remediation deadline (one CVE is overdue), with the exposure score, ' +
      'every device group, the top recommendations, the exploitable vulnerabilities (high or critical), two accepted risks, ' +
      'and a week of history on a branch (why the score moved since yesterday).'
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
  // Exit code 1 is the gate's verdict on the simulated data (a CVE past its deadline), which the demo is there to show.
  if (run.exitCode === 1) {
    console.log('The action failed the step, as a gate does when a check fails: the demo ran as it should.')
  }
  process.exitCode = run.exitCode === 0 || run.exitCode === 1 ? 0 : 1
} finally {
  await sim.close()
}
