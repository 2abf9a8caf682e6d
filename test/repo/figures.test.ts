/**
 * The figures the docs state that the code defines are the code's: each is read from its constant
 * and looked for in the page that states it, so a bound that changes in the code cannot stay stale in
 * the docs. (Measured figures are written by `npm run bench -- --write` and `npm run docs`, or dated.)
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { MAX_ENTRIES, MAX_FILE_BYTES } from '../../src/accepted-risks/file.js'
import { MAX_READ_BYTES } from '../../src/files/workspace.js'
import { MAX_ISSUES_OPENED } from '../../src/github/tracking-issue.js'
import { MAX_LINE_BYTES, STALE_AFTER_DAYS } from '../../src/history/history.js'
import { EXTRA_GRACE_MS } from '../../src/sources/engine.js'
import { MAX_RECORD_BYTES } from '../../src/sources/recommendations/changes.js'
import { MAX_FIRST_SEEN, MAX_RECORDED_IDS } from '../../src/sources/vulnerabilities/changes.js'
import { MAX_REQUESTS_IN_FLIGHT } from '../../src/tenants/read.js'
import { ROOT } from '../support/harness.js'

const MIB = 1024 * 1024

/** [the constant's value as the page writes it, the page, the phrase it is in]. */
const FIGURES: Array<[string, string, RegExp]> = [
  [`${MAX_ENTRIES.toLocaleString('en')}`, 'accepted-risks.md', /more than (\S+) entries/],
  [`${MAX_FILE_BYTES / MIB}`, 'accepted-risks.md', /entries, or more than (\d+) MiB/],
  [`${MAX_READ_BYTES / MIB}`, 'security.md', /A workspace file is read for at most (\d+) MiB/],
  [`${MAX_LINE_BYTES / 1024}`, 'score-change.md', /A whole line stays under (\d+) KB/],
  [`${MAX_LINE_BYTES / 1024}`, 'vulnerabilities.md', /a whole line is kept under (\d+) KB/],
  [`${MAX_RECORD_BYTES / 1024}`, 'score-change.md', /\(ID, impact,\s+exposed devices; not the names\) up to (\d+) KiB/],
  [MAX_RECORDED_IDS.toLocaleString('en'), 'vulnerabilities.md', /with at most (\S+) IDs/],
  [String(MAX_FIRST_SEEN), 'vulnerabilities.md', /for at most (\d+)\s+items/],
  [String(STALE_AFTER_DAYS), 'score-change.md', /identical to a reading (\d+) or more\s+days earlier/],
  [String(EXTRA_GRACE_MS / 1000), 'security.md', /gets at most (\d+) s after the last answer a check needs/],
  [String(MAX_REQUESTS_IN_FLIGHT), 'speed.md', /at most (\d+) requests to Microsoft are in flight/],
  [String(MAX_ISSUES_OPENED), '../action.yml', /At most (\d+) issues are opened a run/]
]

describe('figures in the docs', () => {
  for (const [value, page, phrase] of FIGURES) {
    it(`${page} states ${value} where the code says ${value} (${phrase.source.slice(0, 40)}...)`, async () => {
      const text = (await readFile(join(ROOT, 'docs', page), 'utf8')).replace(/\n\s*/g, ' ')
      const found = phrase.exec(text)?.[1]
      assert.equal(found, value, `${page}: ${phrase}`)
    })
  }

  it('dates the measured figures that no command writes: each names the day and the machine', async () => {
    const speed = await readFile(join(ROOT, 'docs', 'speed.md'), 'utf8')
    assert.match(
      speed,
      /<!-- bench:start[^\n]*-->\nMeasured \d{4}-\d{2}-\d{2} with Node v\d+/,
      'npm run bench -- --write has written the comparison'
    )
    for (const line of speed.split('\n- ').filter(item => /\d+(\.\d+)? (MiB|ms|s)\b/.test(item) && item.includes('npm run bench'))) {
      assert.match(line.replace(/\n\s*/g, ' '), /\d{4}-\d{2}-\d{2}.*(machine|Node)/, line.slice(0, 80))
    }
  })
})
