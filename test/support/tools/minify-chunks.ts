/**
 * `npm run build`'s last step. ncc minifies dist/index.js but leaves the chunks it splits off (the
 * code loaded after the readings) as they are; this minifies them the same way, in place, with terser
 * (what ncc minifies with). Deterministic, so CI's rebuild-and-diff still holds.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { minify } from 'terser'

/** dist/ of the repository (this file runs from build/test/support/tools/). */
const dist = join(dirname(fileURLToPath(import.meta.url)), '../../../../dist')
for (const name of (await readdir(dist)).filter(file => file.endsWith('.js') && file !== 'index.js')) {
  const path = join(dist, name)
  const result = await minify(await readFile(path, 'utf8'), { module: true, ecma: 2022, format: { comments: false } })
  if (result.code === undefined) {
    throw new Error(`terser gave no code for ${name}`)
  }
  await writeFile(path, `${result.code}\n`)
}

/**
 * licenses.txt: ncc writes one per chunk to the same name, so the last chunk's list wins (with the
 * YAML parser's chunk, only its own licence was left). It is written here instead, in ncc's format:
 * every runtime dependency, transitively, from package.json's `dependencies` (a superset of what
 * the bundle holds, never less).
 */
const root = join(dist, '..')
interface PackageJson {
  name: string
  license?: string
  dependencies?: Record<string, string>
}
const readPackage = async (name: string): Promise<PackageJson> =>
  JSON.parse(await readFile(join(root, 'node_modules', name, 'package.json'), 'utf8')) as PackageJson
const seen = new Map<string, PackageJson>()
const pending = Object.keys((JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as PackageJson).dependencies ?? {})
for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
  if (!seen.has(name)) {
    const manifest = await readPackage(name)
    seen.set(name, manifest)
    pending.push(...Object.keys(manifest.dependencies ?? {}))
  }
}
const licences = await Promise.all(
  [...seen.keys()].sort().map(async name => {
    const folder = join(root, 'node_modules', name)
    const file = (await readdir(folder)).find(entry => /^licen[cs]e(\.md|\.txt)?$/i.test(entry))
    const text = file ? (await readFile(join(folder, file), 'utf8')).trim() : ''
    return `${name}\n${seen.get(name)?.license ?? ''}\n${text}\n`
  })
)
await writeFile(join(dist, 'licenses.txt'), `${licences.join('\n')}`)
