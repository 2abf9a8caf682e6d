import type { IncomingHttpHeaders } from 'node:http'
import { isRecord } from '../json.js'

const SNIPPET_CHARS = 200

/**
 * Says what came back when it is not what the service documents, e.g.
 * `text/html, 1234 bytes: "<html>..."`. Only for bodies that cannot hold a secret.
 */
export function describeBody(body: string, headers: IncomingHttpHeaders): string {
  const type = headers['content-type'] ?? 'no content type'
  if (body.length === 0) {
    return `${type}, empty body`
  }
  const flat = body.replace(/\s+/g, ' ').trim()
  const snippet = flat.length > SNIPPET_CHARS ? `${flat.slice(0, SNIPPET_CHARS)}...` : flat
  return `${type}, ${Buffer.byteLength(body)} bytes: ${JSON.stringify(snippet)}`
}

/**
 * Names what a parsed body is without showing any value: for bodies that may hold a secret (a token
 * answer), e.g. `an object with keys token_type, accessToken`.
 */
export function describeShape(json: unknown): string {
  return isRecord(json)
    ? `an object with keys ${Object.keys(json).join(', ') || '(none)'}`
    : 'not a JSON object'
}
