/**
 * Loaded with `node --import` into a measured process: writes the process's peak resident set size
 * (kilobytes) to BENCH_RSS_FILE as it exits. Used only in the untimed memory runs.
 */
import { writeFileSync } from 'node:fs'

process.on('exit', () => {
  const file = process.env['BENCH_RSS_FILE']
  if (file) {
    writeFileSync(file, String(process.resourceUsage().maxRSS))
  }
})
