/**
 * `npm run build`'s last step: ncc minifies dist/index.js but leaves the chunks it splits off (the
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
