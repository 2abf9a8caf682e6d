import type { IncomingHttpHeaders } from 'node:http'
import { isRecord, parseJson } from '../json.js'
import { oneLine } from '../log.js'

/**
 * Says what came back when it is not what the service documents, e.g. `text/html, 1234 bytes, not
 * JSON (it starts like HTML)`, without echoing it: every request carries a credential, and a server
 * may echo it back (Microsoft's fields the action parses are shown by the callers, redacted).
 */
export function describeBody(body: string, headers: IncomingHttpHeaders): string {
  const type = oneLine(String(headers['content-type'] ?? 'no content type')).slice(0, 100)
  if (body.length === 0) {
    return `${type}, empty body`
  }
  const json = parseJson(body)
  const shape = json === undefined ? (/^\s*</.test(body) ? 'not JSON (it starts like HTML)' : 'not JSON') : describeShape(json)
  return `${type}, ${Buffer.byteLength(body)} bytes, ${shape}`
}

/**
 * Names what a parsed body is without showing any value: for bodies that may hold a secret (a token
 * answer), e.g. `an object with keys token_type, accessToken`.
 */
export function describeShape(json: unknown): string {
  if (!isRecord(json)) {
    return Array.isArray(json) ? 'a JSON array, not an object' : 'not a JSON object'
  }
  const keys = Object.keys(json)
  const shown = keys.slice(0, MAX_KEYS_SHOWN).map(key => oneLine(key.length > 40 ? `${key.slice(0, 40)}...` : key))
  const more = keys.length > MAX_KEYS_SHOWN ? ` and ${keys.length - MAX_KEYS_SHOWN} more` : ''
  return `an object with keys ${shown.join(', ') || '(none)'}${more}`
}

const MAX_KEYS_SHOWN = 10
