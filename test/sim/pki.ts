/**
 * Certificates minted during tests: a private CA for the HTTPS simulator (trusted by the action
 * only through NODE_EXTRA_CA_CERTS), server certificates, and app certificates of any validity.
 */
import 'reflect-metadata'
import * as x509 from '@peculiar/x509'
import { KeyObject, webcrypto } from 'node:crypto'

x509.cryptoProvider.set(webcrypto)

const RSA: webcrypto.RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048
}
const DAY_MS = 24 * 60 * 60 * 1000

/** PEM key and certificate of one pair. */
export interface Pem {
  keyPem: string
  certificatePem: string
}

export interface Authority extends Pem {
  keys: webcrypto.CryptoKeyPair
  certificate: x509.X509Certificate
}

async function rsaKeys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair
}

function keyPem(key: webcrypto.CryptoKey): string {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }).toString()
}

function serial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(8)))
    .toString('hex')
    .replace(/^[89a-f]/, '1')
}

export async function createCertificateAuthority(): Promise<Authority> {
  const keys = await rsaKeys()
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=Secure Score Test CA',
    notBefore: new Date(Date.now() - DAY_MS),
    notAfter: new Date(Date.now() + DAY_MS),
    keys,
    signingAlgorithm: RSA,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)
    ]
  })
  return { keys, certificate, keyPem: keyPem(keys.privateKey), certificatePem: certificate.toString('pem') }
}

/** A TLS server certificate for the given host names and 127.0.0.1, signed by the CA. */
export async function issueServerCertificate(authority: Authority, hostnames: string[]): Promise<Pem> {
  const keys = await rsaKeys()
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${hostnames[0] ?? 'localhost'}`,
    issuer: authority.certificate.subject,
    notBefore: new Date(Date.now() - DAY_MS),
    notAfter: new Date(Date.now() + DAY_MS),
    publicKey: keys.publicKey,
    signingKey: authority.keys.privateKey,
    signingAlgorithm: RSA,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...hostnames.map(value => ({ type: 'dns' as const, value })),
        { type: 'ip', value: '127.0.0.1' }
      ])
    ]
  })
  return { keyPem: keyPem(keys.privateKey), certificatePem: certificate.toString('pem') }
}

/** A self-signed app certificate, as `openssl req -x509 -newkey rsa:2048 -nodes` makes. */
export async function createAppCertificate(validity: { notBefore?: Date; notAfter?: Date } = {}): Promise<Pem> {
  const keys = await rsaKeys()
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=secure-score-action',
    notBefore: validity.notBefore ?? new Date(Date.now() - DAY_MS),
    notAfter: validity.notAfter ?? new Date(Date.now() + 365 * DAY_MS),
    keys,
    signingAlgorithm: RSA
  })
  return { keyPem: keyPem(keys.privateKey), certificatePem: certificate.toString('pem') }
}

/** The secret lines of a PEM private key: what must never be shown. */
export function keyLines(pem: Pem): string[] {
  return pem.keyPem.split('\n').filter(line => line.length > 0 && !line.startsWith('-----'))
}
