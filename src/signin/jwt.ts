import { isRecord, parseJson } from '../json.js'

/**
 * Reads a JWT's claims without verifying it: only to tell the user which issuer, subject and
 * audience they presented (none of which is secret), never to trust it.
 */
export function decodeJwtClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1]
  if (!payload) {
    return undefined
  }
  const claims = parseJson(Buffer.from(payload, 'base64url').toString('utf8'))
  return isRecord(claims) ? claims : undefined
}
