/**
 * The example answers of GitHub's API description (pinned `@octokit/openapi`) that the GitHub double
 * answers in: taken from the package into test/fixtures/github/examples.json by `npm run docs`, so
 * the double's shapes are GitHub's, and a test fails when the fixture and the package differ.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { ROOT } from '../harness.js'

export const EXAMPLES_FIXTURE = join(ROOT, 'test', 'fixtures', 'github', 'examples.json')

/** The examples the double uses, by their name in the description's components. */
export const EXAMPLE_NAMES = [
  'issue-comment',
  'issue',
  'label',
  'content-file-response-if-content-is-a-file',
  'file-commit-example-for-creating-a-file',
  'git-ref',
  'blob',
  'git-tree',
  'git-commit'
] as const

/** The examples as the pinned package has them. */
export async function githubExamples(): Promise<Record<string, unknown>> {
  const path = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json')
  const spec = JSON.parse(await readFile(path, 'utf8')) as { components: { examples: Record<string, { value: unknown }> } }
  return Object.fromEntries(EXAMPLE_NAMES.map(name => [name, spec.components.examples[name]?.value]))
}

if (process.argv.includes('--write')) {
  await writeFile(EXAMPLES_FIXTURE, `${JSON.stringify(await githubExamples(), null, 2)}\n`)
  console.log(`${EXAMPLES_FIXTURE}: GitHub's example answers written`)
}
