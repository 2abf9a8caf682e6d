/**
 * The action's only way to the log. Text from outside (API answers, history lines, GitHub's answers,
 * error bodies) can reach a message, so every message is made safe here, once:
 * - secrets the action holds are cut out (./secrets.ts), as from every other text that leaves the process;
 * - a plain log line cannot be split: a line break inside it would let the rest start a line of the
 *   log, where `::error::`, `::add-mask::` or `::stop-commands::` would be obeyed as workflow
 *   commands. Annotations (warning, error, debug) are escaped by @actions/core itself.
 */
import * as core from '@actions/core'
import { AsyncLocalStorage } from 'node:async_hooks'
import { redactSecrets } from './secrets.js'

const LINE_BREAKS = /[\r\n\u0085\u2028\u2029]/g

/** The tenant the work under way is for, when a run reads several: every message about it names it. */
const tenantContext = new AsyncLocalStorage<string>()

/** Runs `work` with every message it logs starting with `[label]`, so that interleaved tenants stay readable. */
export function aboutTenant<T>(label: string, work: () => Promise<T>): Promise<T> {
  return tenantContext.run(label, work)
}

function named(message: string): string {
  const label = tenantContext.getStore()
  return label === undefined ? message : `[${label}] ${message}`
}

/** One line of the log: nothing in it can start another line. */
export function info(message: string): void {
  core.info(oneLine(redactSecrets(named(message))))
}

/** A warning annotation; `title` heads it in the run's annotations. */
export function warning(message: string, title?: string): void {
  core.warning(redactSecrets(named(message)), title === undefined ? {} : { title })
}

export function notice(message: string): void {
  core.notice(redactSecrets(named(message)))
}

export function debug(message: string): void {
  core.debug(redactSecrets(named(message)))
}

/** Marks the step failed with one `::error::` annotation (as core.setFailed does), headed by `title` when given. */
export function fail(message: string, title?: string): void {
  process.exitCode = core.ExitCode.Failure
  core.error(redactSecrets(message), title === undefined ? {} : { title })
}

/** Text that may have come from outside, on one line: line breaks shown as `\n`, never obeyed. */
export function oneLine(text: string): string {
  return text.replace(LINE_BREAKS, character =>
    character === '\n' ? '\\n' : character === '\r' ? '\\r' : `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
}
