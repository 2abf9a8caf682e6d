/**
 * The documentation's tables that restate the code are generated from it, so docs and code cannot
 * drift: the README's inputs and outputs (from action.yml), its permissions table (from the
 * permission names the code asks for), and docs/clouds.md's cloud table (from the code's cloud
 * table). `npm run docs` rewrites them, and a test fails when any differs.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { cloudEndpoints, CLOUDS, REGIONS } from '../../../src/config/clouds.js'
import { RECOMMENDATIONS_PERMISSION } from '../../../src/sources/recommendations/answers.js'
import { SCORE_PERMISSION } from '../../../src/defender/answers.js'
import { DEVICES_PERMISSION } from '../../../src/sources/devices/answers.js'
import { VULNERABILITY_PERMISSION } from '../../../src/sources/vulnerabilities/answers.js'
import { ROOT, readActionMetadata, type ActionMetadata } from '../harness.js'
import { renderApiSurface } from './api-surface.js'
import { renderBundle } from './bundle.js'

export const README = join(ROOT, 'README.md')
export const CLOUDS_PAGE = join(ROOT, 'docs', 'clouds.md')
export const SPEED_PAGE = join(ROOT, 'docs', 'speed.md')

/** One generated block of a file, between its markers. */
export interface GeneratedBlock {
  file: string
  name: string
  render: (metadata: ActionMetadata) => string
}

/**
 * What each feature needs: the Entra app's application permission on WindowsDefenderATP and the
 * job's GitHub `permissions:`. The GitHub permission names are those the action's own messages ask
 * for (a test checks that each is in src/).
 */
export const FEATURE_PERMISSIONS: Array<{ feature: string; inputs: string; entra: string; github: string }> = [
  { feature: 'The score, and the checks on it', inputs: '`min-score`, `max-drop`', entra: SCORE_PERMISSION, github: '' },
  {
    feature: 'Exposure score, device groups',
    inputs: '`include-exposure-score`, `max-exposure-score`, `device-groups`, `max-device-group-exposure-score`',
    entra: SCORE_PERMISSION,
    github: ''
  },
  {
    feature: 'Top recommendations (on by default: 5); why the score moved (with a history)',
    inputs: '`recommendations`, `explain-score-change`',
    entra: RECOMMENDATIONS_PERMISSION,
    github: ''
  },
  {
    feature: 'Exploitable vulnerabilities',
    inputs:
      '`vulnerabilities`, `max-exploitable-vulnerabilities`, `max-new-exploitable-vulnerabilities`, `max-exploitable-vulnerability-age-days`',
    entra: VULNERABILITY_PERMISSION,
    github: ''
  },
  {
    feature: 'Coverage: the devices that still report',
    inputs: '`devices`, `min-active-devices-percent`, `max-active-devices-drop-percent`',
    entra: DEVICES_PERMISSION,
    github: ''
  },
  { feature: 'Sign-in with GitHub OIDC (the default)', inputs: '`auth-method`', entra: '', github: 'id-token: write' },
  { feature: 'History on a branch', inputs: '`history-branch`', entra: '', github: 'contents: write' },
  { feature: 'Sticky pull-request comment', inputs: '`comment-on-pr`', entra: '', github: 'pull-requests: write' },
  { feature: 'Tracking issue', inputs: '`issue-on-failure`', entra: '', github: 'issues: write' },
  {
    feature: 'Accepted risks (read from the base commit on pull requests, or from the default branch when not in the workspace)',
    inputs: '`accepted-risks`',
    entra: '',
    github: 'contents: read'
  }
]

function renderPermissions(): string {
  return [
    '| Feature | Inputs | Entra app permission (WindowsDefenderATP, application) | GitHub job `permissions:` |',
    '|---|---|---|---|',
    ...FEATURE_PERMISSIONS.map(
      row => `| ${row.feature} | ${row.inputs} | ${row.entra ? `\`${row.entra}\`` : ''} | ${row.github ? `\`${row.github}\`` : ''} |`
    )
  ].join('\n')
}

function renderReference(metadata: ActionMetadata): string {
  const cell = (text: string): string => text.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|')
  const inputs = Object.entries(metadata.inputs).map(
    ([name, input]) => `| \`${name}\` | ${input.default ? `\`${input.default}\`` : ''} | ${cell(input.description)} |`
  )
  const outputs = Object.entries(metadata.outputs).map(([name, output]) => `| \`${name}\` | ${cell(output.description)} |`)
  return [
    '### Inputs',
    '',
    '| Input | Default | Description |',
    '|---|---|---|',
    ...inputs,
    '',
    '### Outputs',
    '',
    '| Output | Description |',
    '|---|---|',
    ...outputs
  ].join('\n')
}

function renderClouds(): string {
  const row = (name: string, cloud: (typeof CLOUDS)[number], region?: (typeof REGIONS)[number]) => {
    const endpoints = cloudEndpoints(cloud, region)
    const apiUrl = region ? endpoints.apiUrl.replace(`${region}.`, 'REGION.') : endpoints.apiUrl
    const unconfirmed = cloud === 'commercial' ? '' : ' *'
    return `| ${name} | \`${apiUrl}\` | \`${endpoints.authorityHost}\` | \`${endpoints.scope}\`${unconfirmed} |`
  }
  return [
    '| `cloud` / `region` | API host (`api-url`) | sign-in host (`authority-host`) | scope |',
    '|---|---|---|---|',
    row('`commercial` (default)', 'commercial'),
    row(`\`commercial\` + \`region\` ${REGIONS.map(region => `\`${region}\``).join(', ')}`, 'commercial', 'eu'),
    ...CLOUDS.filter(cloud => cloud !== 'commercial').map(cloud => row(`\`${cloud}\``, cloud))
  ].join('\n')
}

export const GENERATED: GeneratedBlock[] = [
  { file: README, name: 'permissions', render: renderPermissions },
  { file: README, name: 'api-surface', render: renderApiSurface },
  { file: README, name: 'action-reference', render: renderReference },
  { file: CLOUDS_PAGE, name: 'cloud-table', render: renderClouds },
  { file: SPEED_PAGE, name: 'bundle', render: renderBundle }
]

/** The file's text with every generated block of it replaced by what the code says now. */
export function withGeneratedBlocks(file: string, text: string, metadata: ActionMetadata): string {
  let result = text
  for (const block of GENERATED.filter(block => block.file === file)) {
    const start = `<!-- ${block.name}:start (generated by \`npm run docs\`) -->`
    const end = `<!-- ${block.name}:end -->`
    const from = result.indexOf(start)
    const to = result.indexOf(end)
    if (from < 0 || to < from) {
      throw new Error(`${file} lacks the markers ${start} ... ${end}`)
    }
    result = `${result.slice(0, from)}${start}\n${block.render(metadata)}\n${result.slice(to)}`
  }
  return result
}

if (process.argv.includes('--write')) {
  const metadata = await readActionMetadata()
  for (const file of new Set(GENERATED.map(block => block.file))) {
    await writeFile(file, withGeneratedBlocks(file, await readFile(file, 'utf8'), metadata))
    console.log(`${file}: generated tables rewritten`)
  }
}
