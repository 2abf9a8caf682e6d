/**
 * `npm run mutate`: deliberate breakages of src/, each a promise the action makes, and the test files
 * that must catch it. Each is applied in turn, the bundle rebuilt, the named tests run, and the
 * source restored; a breakage the tests let through is a survivor, and the script fails. Slow (a
 * build each): run it when a test or a promise changes, not in `npm test`.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ROOT } from '../harness.js'

interface Mutation {
  /** The promise it breaks. */
  name: string
  file: string
  find: string
  replace: string
  /** Compiled test files that must fail, relative to build/test/. */
  tests: string[]
}

export const MUTATIONS: Mutation[] = [
  {
    name: 'github-token is no longer masked',
    file: 'src/config/inputs.ts',
    find: "raw['client-certificate'],\n    raw['github-token']",
    replace: "raw['client-certificate']",
    tests: ['e2e/action.e2e.test.js']
  },
  {
    name: 'the grace for late extras is 60 times longer',
    file: 'src/sources/engine.ts',
    find: "clock.sleep(EXTRA_GRACE_MS, 'grace'",
    replace: "clock.sleep(EXTRA_GRACE_MS * 60, 'grace'",
    tests: ['e2e/unforgeable.e2e.test.js']
  },
  {
    name: 'info() no longer keeps a message on one line',
    file: 'src/log.ts',
    find: 'core.info(oneLine(redactSecrets(named(message))))',
    replace: 'core.info(redactSecrets(named(message)))',
    tests: ['unit/log.test.js']
  },
  {
    name: 'a check that cannot be evaluated passes',
    file: 'src/checks/check.ts',
    find: 'return { input, limit, value: undefined, passed: false, unevaluated: why',
    replace: 'return { input, limit, value: undefined, passed: true, unevaluated: why',
    tests: ['unit/checks.test.js', 'e2e/fail-closed.e2e.test.js']
  },
  {
    name: 'a vulnerability on no device counts as exploitable',
    file: 'src/sources/vulnerabilities/answers.ts',
    find: 'vulnerability.exposedMachines > 0 &&',
    replace: 'vulnerability.exposedMachines >= 0 &&',
    tests: ['unit/vulnerabilities.test.js', 'e2e/vulnerabilities.e2e.test.js']
  },
  {
    name: "the next page is followed off the API's origin",
    file: 'src/defender/paging.ts',
    find: 'if (url?.origin !== origin) {',
    replace: 'if (url === undefined) {',
    tests: ['e2e/vulnerabilities.e2e.test.js']
  },
  {
    name: 'a mention in API text is no longer broken',
    file: 'src/report/inline.ts',
    find: ".replace(/@/g, '@\\u200b')",
    replace: '',
    tests: ['e2e/github-markdown.e2e.test.js']
  },
  {
    name: 'a history line keeps every exploitable ID, unbounded',
    file: 'src/sources/vulnerabilities/changes.ts',
    find: 'ids: ordered.slice(0, MAX_RECORDED_IDS).map(',
    replace: 'ids: ordered.map(',
    tests: ['unit/vulnerabilities.test.js', 'e2e/vulnerabilities.e2e.test.js']
  },
  {
    name: 'a run takes its own line for the previous reading',
    file: 'src/history/history.ts',
    find: 'return entry.run !== undefined && entry.run === current.run',
    replace: 'return entry.run === undefined && entry.run === current.run',
    tests: ['unit/history.test.js', 'e2e/fail-closed-history.e2e.test.js']
  },
  {
    name: 'the certificate assertion lives an hour',
    file: 'src/signin/certificate.ts',
    find: 'ASSERTION_LIFETIME_SECONDS = 300',
    replace: 'ASSERTION_LIFETIME_SECONDS = 3600',
    tests: ['e2e/microsoft-sign-in.e2e.test.js']
  },
  {
    name: 'a tenant that cannot be read, among several, counts as recovered for its tracking issue',
    file: 'src/conclude.ts',
    find: 'return { failed: true, failing: outcome.checksAsked, passed: [] }',
    replace: 'return { failed: false, failing: outcome.checksAsked, passed: [] }',
    tests: ['e2e/tenants.e2e.test.js']
  },
  {
    name: 'paging stops at a page shorter than $top that carries @odata.nextLink',
    file: 'src/defender/paging.ts',
    find: 'const next = page.nextLink ?? (page.items >= paging.pageSize ? paging.pageUrl(skip) : undefined)',
    replace: 'const next = page.items >= paging.pageSize ? (page.nextLink ?? paging.pageUrl(skip)) : undefined',
    tests: ['e2e/vulnerabilities.e2e.test.js']
  },
  {
    name: 'the publishing deadline never fires once a retry has waited',
    file: 'src/net/http.ts',
    find: 'allowedWaitsMs = this.waitedMs',
    replace: 'allowedWaitsMs = 0',
    tests: ['e2e/fail-closed-bounds.e2e.test.js']
  },
  {
    name: 'a 422 "sha wasn\'t supplied" on a branch without the file is taken for a refusal, not a race',
    file: 'src/history/branch-store.ts',
    find: 'if (error instanceof GitHubError && (error.status === 409 || error.status === 422)) {',
    replace: 'if (error instanceof GitHubError && error.status === 409) {',
    tests: ['e2e/fail-closed-history.e2e.test.js']
  },
  {
    name: "the token's tenant is read from the wrong claim",
    file: 'src/signin/entra.ts',
    find: "const tid = decodeJwtClaims(token)?.['tid']",
    replace: "const tid = decodeJwtClaims(token)?.['oid']",
    tests: ['e2e/tenants.e2e.test.js']
  },
  {
    name: 'one certificate assertion serves every tenant (its jti reused)',
    file: 'src/signin/entra.ts',
    find: 'tokenEndpoint(app.authorityHost, tenantId), new Date())',
    replace: "tokenEndpoint(app.authorityHost, tenantId), new Date(), 'one-assertion')",
    tests: ['e2e/tenants.e2e.test.js']
  },
  {
    name: 'secrets of 12 characters or more are no longer redacted (the piece index is skipped)',
    file: 'src/secrets.ts',
    find: 'if (pieces.size === 0 || result.length < SECRET_PIECE) {',
    replace: 'if (pieces.size >= 0 || result.length < SECRET_PIECE) {',
    tests: ['unit/secrets.test.js', 'e2e/hardening.e2e.test.js']
  },
  {
    name: 'an empty limit in a tenant-id line switches the check off',
    file: 'src/config/tenants.ts',
    find: "if (text.trim() === '') {",
    replace: "if (text.trim() === 'never') {",
    tests: ['unit/tenants.test.js', 'e2e/tenants.e2e.test.js']
  },
  {
    name: 'a device of an unknown health status counts as active',
    file: 'src/sources/devices/answers.ts',
    find: "if (device.healthStatus === 'Active') coverage.active++",
    replace: "if (device.healthStatus !== 'Inactive') coverage.active++",
    tests: ['e2e/devices.e2e.test.js']
  },
  {
    name: "a pull request's own workspace copy of accepted-risks is read",
    file: 'src/accepted-risks/read.ts',
    find: 'if (PULL_REQUEST_EVENTS.includes(input.eventName)) {',
    replace: "if (PULL_REQUEST_EVENTS.includes(input.eventName) && input.eventName === 'never') {",
    tests: ['e2e/accepted-risks.e2e.test.js']
  },
  {
    name: 'an expired acceptance still applies',
    file: 'src/accepted-risks/risk.ts',
    find: 'return risk.expires < today',
    replace: "return risk.expires < today && today < '0000-00-00'",
    tests: ['unit/accepted-risks.test.js', 'e2e/accepted-risks.e2e.test.js']
  },
  {
    name: "Defender's UnderException no longer leaves a vulnerability out",
    file: 'src/sources/vulnerabilities/answers.ts',
    find: "item['status'] === UNDER_EXCEPTION",
    replace: "item['status'] === `${UNDER_EXCEPTION}!`",
    tests: ['e2e/accepted-risks.e2e.test.js']
  },
  {
    name: 'an undated vulnerability is taken for new',
    file: 'src/sources/vulnerabilities/age.ts',
    find: 'complete ? now : undefined',
    replace: 'complete || !complete ? now : undefined',
    tests: ['unit/vulnerabilities.test.js', 'e2e/age-and-change.e2e.test.js']
  },
  {
    name: 'a cut record of the recommendations is used for an attribution',
    file: 'src/sources/recommendations/changes.ts',
    find: 'if (!previous.record.complete) {',
    replace: 'if (previous.record.items.length < 0) {',
    tests: ['unit/recommendations.test.js', 'e2e/age-and-change.e2e.test.js']
  },
  {
    name: 'a history line is no longer kept under 64 KB',
    file: 'src/history/history.ts',
    find: "Buffer.byteLength(redactedJson(bounded), 'utf8') > MAX_LINE_BYTES &&",
    replace: "Buffer.byteLength(redactedJson(bounded), 'utf8') > MAX_LINE_BYTES * 100 &&",
    tests: ['unit/history.test.js']
  },
  {
    name: 'no onboarded device counts as full coverage',
    file: 'src/checks/min-active-devices-percent.ts',
    find: 'if (devices.onboarded === 0) {',
    replace: 'if (devices.onboarded < 0) {',
    tests: ['e2e/devices.e2e.test.js']
  }
]

/** Whether `tests` fail with the source as it is now (after a fresh build); a breakage the compiler refuses is no test's catch. */
function testsFail(tests: string[]): boolean {
  try {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'ignore' })
  } catch {
    throw new Error('the breakage does not compile: write it so that only a test can catch it')
  }
  const result = spawnSync(process.execPath, ['--test', ...tests.map(test => join(ROOT, 'build', 'test', test))], {
    cwd: ROOT,
    stdio: 'ignore'
  })
  return result.status !== 0
}

if (process.argv.includes('--run')) {
  const survivors: string[] = []
  // `npm run mutate -- --only=masked` runs the breakages whose name holds that text.
  const only = process.argv.find(argument => argument.startsWith('--only='))?.slice('--only='.length)
  const chosen = MUTATIONS.filter(mutation => only === undefined || mutation.name.includes(only))
  for (const mutation of chosen) {
    const path = join(ROOT, mutation.file)
    const original = await readFile(path, 'utf8')
    if (!original.includes(mutation.find)) {
      survivors.push(`${mutation.name}: '${mutation.find}' is no longer in ${mutation.file}; update the mutation`)
      continue
    }
    try {
      await writeFile(path, original.replace(mutation.find, mutation.replace))
      const caught = testsFail(mutation.tests)
      console.log(`${caught ? 'caught  ' : 'SURVIVED'} ${mutation.name}`)
      if (!caught) survivors.push(mutation.name)
    } catch (error) {
      survivors.push(`${mutation.name}: ${error instanceof Error ? error.message : String(error)}`)
    } finally {
      await writeFile(path, original)
    }
  }
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'ignore' })
  console.log(survivors.length === 0 ? `All ${chosen.length} breakages caught.` : `Survivors:\n${survivors.join('\n')}`)
  process.exitCode = survivors.length === 0 ? 0 : 1
}
