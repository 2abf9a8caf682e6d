/**
 * Tokens must never travel in clear text, so service URLs must be https:// unless they point at
 * this machine (the local simulator, a loopback test double).
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase()
  if (host === 'localhost' || host === '[::1]') {
    return true
  }
  const octets = host.split('.')
  return (
    octets.length === 4 &&
    octets[0] === '127' &&
    octets.every(octet => /^\d{1,3}$/.test(octet) && Number(octet) <= 255)
  )
}

/** Whether a bearer token may be sent to this URL: https://, or http:// to loopback. */
export function mayCarryTokens(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))
}
