import { ConfigurationError } from '../errors.js'

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
  return octets.length === 4 && octets[0] === '127' && octets.every(octet => /^\d{1,3}$/.test(octet) && Number(octet) <= 255)
}

/** Whether a bearer token may be sent to this URL: https://, or http:// to loopback. */
export function mayCarryTokens(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))
}

/** Validates a service URL from an input or the runner; returns it without a trailing slash. */
export function checkServiceUrl(name: string, value: string, example: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new ConfigurationError(`Invalid ${name} '${value}'. Expected an absolute https:// URL such as ${example}.`)
  }
  if (url.username || url.password) {
    throw new ConfigurationError(`Invalid ${name}: it must not contain a user name or password. Expected a URL such as ${example}.`)
  }
  if (!mayCarryTokens(url)) {
    throw new ConfigurationError(
      `Invalid ${name} '${value}'. Expected an https:// URL such as ${example}: tokens must not travel in clear text ` +
        '(http:// is accepted only for loopback hosts such as 127.0.0.1).'
    )
  }
  if (url.search || url.hash) {
    throw new ConfigurationError(`Invalid ${name} '${value}'. Expected a base URL without a query or fragment, such as ${example}.`)
  }
  return url.href.replace(/\/+$/, '')
}
