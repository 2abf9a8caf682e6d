import { createHash, createPrivateKey, randomUUID, sign, constants, X509Certificate, type KeyObject } from 'node:crypto'
import { ConfigurationError } from '../errors.js'

/** A certificate credential, checked: an RSA key that belongs to a certificate valid now. */
export interface ClientCertificate {
  certificate: X509Certificate
  privateKey: KeyObject
}

/**
 * Hand-written on node:crypto rather than a JOSE library: one PS256 signature over two small JSON
 * objects does not justify a dependency in the bundle every run loads.
 */
const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g
const KEY_BLOCK = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]+?-----END \1-----/
/** Entra rejects assertions valid for longer than 10 minutes; 5 leaves room for clock skew. */
const ASSERTION_LIFETIME_SECONDS = 300

/** Parses `client-certificate` (key and certificate PEM blocks, in either order). */
export function parseClientCertificate(pem: string, password: string, now: Date): ClientCertificate {
  const keyBlock = KEY_BLOCK.exec(pem)?.[0]
  const certificateBlocks = pem.match(CERTIFICATE_BLOCK) ?? []
  if (!keyBlock) {
    throw new ConfigurationError(
      'Invalid client-certificate: it holds no private key. Expected PEM text with the private key ' +
        '(-----BEGIN PRIVATE KEY-----) and the certificate (-----BEGIN CERTIFICATE-----), as ' +
        '`cat key.pem cert.pem` gives after `openssl req -x509 -newkey rsa:2048 ...`.'
    )
  }
  if (certificateBlocks.length === 0) {
    throw new ConfigurationError(
      'Invalid client-certificate: it holds a private key but no certificate. Append the certificate ' +
        '(-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----) that is registered on the app.'
    )
  }
  const privateKey = readPrivateKey(keyBlock, password)
  if (privateKey.asymmetricKeyType !== 'rsa') {
    throw new ConfigurationError(
      `Invalid client-certificate: its key is ${privateKey.asymmetricKeyType ?? 'of an unknown type'}. ` +
        'Expected an RSA key: Entra ID signs client assertions with RSA (PS256/RS256).'
    )
  }
  const certificates = certificateBlocks.map(readCertificate)
  const certificate = certificates.find(candidate => candidate.checkPrivateKey(privateKey))
  if (!certificate) {
    throw new ConfigurationError(
      `Invalid client-certificate: the private key does not match the certificate (subject ${describeSubject(certificates[0])}). ` +
        'Put the key and the certificate of the same pair in the input.'
    )
  }
  const validTo = new Date(certificate.validTo)
  const validFrom = new Date(certificate.validFrom)
  if (validTo.getTime() <= now.getTime()) {
    throw new ConfigurationError(
      `Invalid client-certificate: the certificate (thumbprint ${certificate.fingerprint.replace(/:/g, '')}) expired on ` +
        `${validTo.toISOString()}. Create a new one, upload its public part to the app (Certificates & secrets) and update the secret.`
    )
  }
  if (validFrom.getTime() > now.getTime()) {
    throw new ConfigurationError(
      `Invalid client-certificate: the certificate is not valid before ${validFrom.toISOString()}. Check the runner's clock, or wait.`
    )
  }
  return { certificate, privateKey }
}

function readPrivateKey(block: string, password: string): KeyObject {
  const encrypted = block.startsWith('-----BEGIN ENCRYPTED') || /Proc-Type: 4,ENCRYPTED/.test(block)
  if (encrypted && !password) {
    throw new ConfigurationError(
      'Invalid client-certificate: its private key is encrypted. Pass the password in client-certificate-password.'
    )
  }
  try {
    return createPrivateKey(encrypted ? { key: block, format: 'pem', passphrase: password } : { key: block, format: 'pem' })
  } catch {
    throw new ConfigurationError(
      encrypted
        ? 'Invalid client-certificate-password: it does not decrypt the private key in client-certificate.'
        : 'Invalid client-certificate: its private key block is not a readable PEM key.'
    )
  }
}

function readCertificate(block: string): X509Certificate {
  try {
    return new X509Certificate(block)
  } catch {
    throw new ConfigurationError('Invalid client-certificate: a CERTIFICATE block is not a readable X.509 certificate.')
  }
}

function describeSubject(certificate: X509Certificate | undefined): string {
  return certificate ? `'${certificate.subject.replace(/\n/g, ', ')}'` : 'unknown'
}

/** Base64url SHA-256 of the DER certificate: the `x5t#S256` header Entra looks the key up by. */
export function certificateThumbprintS256(certificate: X509Certificate): string {
  return createHash('sha256').update(certificate.raw).digest('base64url')
}

/** The client assertion JWT for the certificate credential, signed PS256 as Microsoft's docs say. */
export function signClientAssertion(
  credential: ClientCertificate,
  clientId: string,
  tokenEndpoint: string,
  now: Date,
  jti: string = randomUUID()
): string {
  const issuedAt = Math.floor(now.getTime() / 1000)
  const header = { alg: 'PS256', typ: 'JWT', 'x5t#S256': certificateThumbprintS256(credential.certificate) }
  const claims = {
    aud: tokenEndpoint,
    iss: clientId,
    sub: clientId,
    jti,
    iat: issuedAt,
    nbf: issuedAt,
    exp: issuedAt + ASSERTION_LIFETIME_SECONDS
  }
  const signingInput = `${base64UrlJson(header)}.${base64UrlJson(claims)}`
  const signature = sign('sha256', Buffer.from(signingInput), {
    key: credential.privateKey,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: constants.RSA_PSS_SALTLEN_DIGEST
  })
  return `${signingInput}.${signature.toString('base64url')}`
}

function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}
