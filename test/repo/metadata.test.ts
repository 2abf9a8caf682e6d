/** action.yml, the settings module and the README describe one interface; these keep them in step. */
import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { cloudEndpoints, CLOUDS, REGIONS } from '../../src/config/clouds.js'
import { INPUT_NAMES } from '../../src/config/inputs.js'
import { OUTPUT_NAMES } from '../../src/report/outputs.js'
import { ROOT, readActionMetadata } from '../support/harness.js'
import { README, withActionReference } from '../support/tools/readme.js'

describe('action metadata', () => {
  it('declares exactly the inputs the settings module reads', async () => {
    const metadata = await readActionMetadata()
    assert.deepEqual(Object.keys(metadata.inputs).sort(), [...INPUT_NAMES].sort())
    for (const [name, input] of Object.entries(metadata.inputs)) {
      assert.ok(input.description.length > 20, `${name} has a description`)
    }
  })

  it('declares exactly the outputs the report sets, and runs the bundle on node24', async () => {
    const metadata = await readActionMetadata()
    assert.deepEqual(Object.keys(metadata.outputs), [...OUTPUT_NAMES])
    for (const [name, output] of Object.entries(metadata.outputs)) {
      assert.ok(output.description.length > 20, `${name} has a description`)
    }
    assert.deepEqual(metadata.runs, { using: 'node24', main: 'dist/index.js' })
  })

  it('has its inputs and outputs documented in the README as action.yml says (npm run docs)', async () => {
    const readme = await readFile(README, 'utf8')
    assert.equal(readme, withActionReference(readme, await readActionMetadata()), 'README is stale: run npm run docs')
  })

  it('shows every example workflow in the README exactly as in examples/', async () => {
    const readme = await readFile(README, 'utf8')
    for (const file of (await readdir(join(ROOT, 'examples'))).filter(name => name.endsWith('.yml'))) {
      const example = await readFile(join(ROOT, 'examples', file), 'utf8')
      assert.ok(readme.includes(`\`\`\`yaml\n${example}\`\`\``), `README shows examples/${file} as it is`)
    }
  })

  it('gives the two set-up commands in the README, and CI runs the same test command', async () => {
    const readme = await readFile(README, 'utf8')
    assert.match(readme, /^npm ci && npm run demo$/m)
    assert.match(readme, /^npm test$/m)
    const ci = await readFile(join(ROOT, '.ci', 'run'), 'utf8')
    assert.match(ci, /^npm ci$/m)
    assert.match(ci, /^npm test$/m)
  })

  it('keeps undici, and with it 935 KB and 28 ms of start-up, out of the bundle every run loads', async () => {
    const bundle = await readFile(join(ROOT, 'dist', 'index.js'), 'utf8')
    // llhttp is undici's HTTP parser; it is there only if undici is (see patches/ and npm run bench).
    assert.ok(!bundle.includes('llhttp'), 'undici is back in dist/index.js: is patches/@actions+http-client+*.patch still applied?')
    assert.ok(Buffer.byteLength(bundle) < 500 * 1024, `dist/index.js is ${Buffer.byteLength(bundle)} bytes`)
  })

  it("gives in the README's cloud table the hosts and scopes the code uses", async () => {
    const readme = await readFile(README, 'utf8')
    const row = (start: string) => readme.split('\n').find(line => line.startsWith(start)) ?? ''
    for (const cloud of CLOUDS) {
      const endpoints = cloudEndpoints(cloud, undefined)
      const line = row(`| \`${cloud}\` ${cloud === 'commercial' ? '(default) ' : ''}|`)
      assert.ok(line.includes(`| \`${endpoints.apiUrl}\` | \`${endpoints.authorityHost}\` | \`${endpoints.scope}\``), `${cloud}: ${line}`)
    }
    const regional = row('| `commercial` + `region`')
    assert.ok(regional.includes(REGIONS.map(region => `\`${region}\``).join(', ')), regional)
    assert.ok(regional.includes(`\`${cloudEndpoints('commercial', 'eu').apiUrl.replace('eu.', 'REGION.')}\``), regional)
  })
})
