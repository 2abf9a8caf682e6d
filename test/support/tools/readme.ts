/**
 * The README's inputs and outputs tables are generated from action.yml, so docs and metadata cannot
 * drift: `npm run docs` rewrites them, and a test fails when they differ.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ROOT, readActionMetadata, type ActionMetadata } from '../harness.js'

export const README = join(ROOT, 'README.md')
const START = '<!-- action-reference:start (generated from action.yml by `npm run docs`) -->'
const END = '<!-- action-reference:end -->'

export function renderActionReference(metadata: ActionMetadata): string {
  const cell = (text: string): string => text.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|')
  const inputs = Object.entries(metadata.inputs).map(
    ([name, input]) => `| \`${name}\` | ${input.default ? `\`${input.default}\`` : ''} | ${cell(input.description)} |`
  )
  const outputs = Object.entries(metadata.outputs).map(([name, output]) => `| \`${name}\` | ${cell(output.description)} |`)
  return [
    START,
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
    ...outputs,
    END
  ].join('\n')
}

/** The README with its generated section replaced by what action.yml says now. */
export function withActionReference(readme: string, metadata: ActionMetadata): string {
  const start = readme.indexOf(START)
  const end = readme.indexOf(END)
  if (start < 0 || end < start) {
    throw new Error(`README.md lacks the markers ${START} ... ${END}`)
  }
  return readme.slice(0, start) + renderActionReference(metadata) + readme.slice(end + END.length)
}

if (process.argv.includes('--write')) {
  const readme = await readFile(README, 'utf8')
  await writeFile(README, withActionReference(readme, await readActionMetadata()))
  console.log('README.md: inputs and outputs regenerated from action.yml')
}
