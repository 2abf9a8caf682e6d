/**
 * The action's only way to the log. Text from outside (API answers, history lines, GitHub's answers,
 * error bodies) can reach a message, so every message is made safe here, once:
 * - secrets the action holds are cut out in every encoding they travelled in, and so is any long
 *   enough piece of one (a server that echoes a credential may cut it, and the runner masks only
 *   whole values);
 * - a plain log line cannot be split: a line break inside it would let the rest start a line of the
 *   log, where `::error::`, `::add-mask::` or `::stop-commands::` would be obeyed as workflow
 *   commands. Annotations (warning, error, debug) are escaped by @actions/core itself.
 */
import * as core from '@actions/core'
import { AsyncLocalStorage } from 'node:async_hooks'

/** A piece this long of a secret is taken as the secret: shorter runs are too common to mean anything. */
const SECRET_PIECE = 12
const REDACTED = '***'
const LINE_BREAKS = /[\r\n\u0085\u2028\u2029]/g

const secrets = new Set<string>()

/** Masks `value` in the runner's log and remembers it, raw and in every encoding a request or an echo carries it in. */
export function addSecret(value: string): void {
  if (value.length === 0) {
    return
  }
  core.setSecret(value)
  for (const form of encodingsOf(value)) {
    secrets.add(form)
  }
  // Whole values go before pieces, the longest first, so that no piece of one encoding leaves the rest of another visible.
  ordered = [...secrets].sort((a, b) => b.length - a.length)
}

/**
 * The forms a secret travels in: raw; URL-encoded (a query); form-encoded (a token request's body);
 * JSON-escaped, as JSON.stringify writes it and with every non-ASCII character and `/` escaped as
 * some servers do; and the JSON-escaped form of the form-encoded one (a body quoted in an error).
 */
function encodingsOf(value: string): string[] {
  const formEncoded = new URLSearchParams({ v: value }).toString().slice(2)
  const jsonEscaped = JSON.stringify(value).slice(1, -1)
  const asciiJson = jsonEscaped.replace(/[^\x20-\x7e]|\//g, character =>
    character === '/' ? '\\/' : `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
  return [...new Set([value, encodeURIComponent(value), formEncoded, jsonEscaped, asciiJson, JSON.stringify(formEncoded).slice(1, -1)])]
}

let ordered: string[] = []

/** `text` with every secret, and every piece of one of {@link SECRET_PIECE} characters or more, replaced. */
export function redactSecrets(text: string): string {
  let result = text
  for (const secret of ordered) {
    result = result.split(secret).join(REDACTED)
  }
  for (const secret of ordered) {
    for (let start = 0; start + SECRET_PIECE <= secret.length; start++) {
      const piece = secret.slice(start, start + SECRET_PIECE)
      if (result.includes(piece)) {
        result = redactPieceRun(result, secret, piece)
      }
    }
  }
  return result
}

/** Replaces the longest run around each occurrence of `piece` that is a substring of `secret`. */
function redactPieceRun(text: string, secret: string, piece: string): string {
  let result = text
  for (let at = result.indexOf(piece); at >= 0; at = result.indexOf(piece, at + REDACTED.length)) {
    let from = at
    let to = at + piece.length
    while (from > 0 && secret.includes(result.slice(from - 1, to))) from--
    while (to < result.length && secret.includes(result.slice(from, to + 1))) to++
    result = result.slice(0, from) + REDACTED + result.slice(to)
    at = from
  }
  return result
}

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

export function warning(message: string): void {
  core.warning(redactSecrets(named(message)))
}

export function debug(message: string): void {
  core.debug(redactSecrets(named(message)))
}

/** Marks the step failed with one `::error::` annotation. */
export function fail(message: string): void {
  core.setFailed(redactSecrets(message))
}

/** Text that may have come from outside, on one line: line breaks shown as `\n`, never obeyed. */
export function oneLine(text: string): string {
  return text.replace(LINE_BREAKS, character =>
    character === '\n' ? '\\n' : character === '\r' ? '\\r' : `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
}
