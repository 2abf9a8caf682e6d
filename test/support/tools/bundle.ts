/**
 * What dist/ holds, file by file, named by what each part of the bundle does: `npm run docs` writes
 * it into docs/speed.md (checked by a test), and `npm run bench` prints it.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../harness.js'

export interface BundleFile {
  name: string
  bytes: number
  /** What the file holds, and when a run loads it. */
  holds: string
}

/** A chunk's role, recognised by a text only it holds. */
const ROLES: Array<[marker: string, holds: string]> = [
  ['history-branch:', 'after the readings: history, report, publishing; loaded while the first requests are on the network'],
  ['Excessive alias count', 'the YAML parser; loaded only by runs that set accepted-risks'],
  ['accepted-risks (', 'reading the accepted-risks file; loaded only by runs that set accepted-risks']
]

export function bundleFiles(): BundleFile[] {
  const dist = join(ROOT, 'dist')
  return readdirSync(dist)
    .filter(file => file.endsWith('.js'))
    .sort((a, b) => (a === 'index.js' ? -1 : b === 'index.js' ? 1 : a.localeCompare(b)))
    .map(name => {
      const bytes = readFileSync(join(dist, name))
      const text = bytes.toString('utf8')
      const holds =
        name === 'index.js'
          ? 'every run: inputs, sign-in, reading every source'
          : (ROLES.find(([marker]) => text.includes(marker))?.[1] ?? 'a chunk loaded on demand')
      return { name, bytes: bytes.length, holds }
    })
}

/** The table docs/speed.md shows. */
export function renderBundle(): string {
  return [
    '| `dist/` file | Size | What it holds |',
    '|---|---|---|',
    ...bundleFiles().map(file => `| \`${file.name}\` | ${(file.bytes / 1000).toFixed(1)} KB | ${file.holds} |`)
  ].join('\n')
}
