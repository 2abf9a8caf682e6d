/**
 * Serves the simulator until killed, for the self-test job of .github/workflows/ci.yml, which runs
 * the action with `uses: ./` on GitHub's own runner. Writes the environment that job needs (URLs,
 * tenant, app, client secret) as KEY=value lines to the file named on the command line, once
 * listening; the client secret is masked first. Loopback only.
 *
 *   node build/test/sim/serve.js sim.env &
 */
import { writeFile } from 'node:fs/promises'
import { Simulator } from './simulator.js'

const [envFile] = process.argv.slice(2)
if (!envFile) {
  throw new Error('usage: node build/test/sim/serve.js ENV_FILE')
}
const sim = await Simulator.start()
console.log(`::add-mask::${sim.entra.app.secret ?? ''}`)
const lines = {
  SIM_API_URL: sim.apiUrl,
  SIM_AUTHORITY_HOST: sim.entraUrl,
  SIM_TENANT_ID: sim.tenantId,
  SIM_CLIENT_ID: sim.entra.app.clientId,
  SIM_CLIENT_SECRET: sim.entra.app.secret ?? ''
}
await writeFile(
  envFile,
  `${Object.entries(lines)
    .map(([name, value]) => `${name}=${value}`)
    .join('\n')}\n`
)
console.log(`Simulator listening on 127.0.0.1 (Entra ID ${sim.entraUrl}, Defender API ${sim.apiUrl}); stop it by killing this process.`)
