/**
 * Loaded with `node --import` into a measured process: writes the process's peak resident set size
 * (kilobytes) to BENCH_RSS_FILE as it exits, and its CPU time (user and system, microseconds) to
 * BENCH_CPU_FILE when set. Used only in the untimed memory runs.
 */
import { writeFileSync } from 'node:fs'

process.on('exit', () => {
  const file = process.env['BENCH_RSS_FILE']
  if (file) {
    writeFileSync(file, String(process.resourceUsage().maxRSS))
  }
  const cpuFile = process.env['BENCH_CPU_FILE']
  if (cpuFile) {
    const { user, system } = process.cpuUsage()
    writeFileSync(cpuFile, String(user + system))
  }
})
