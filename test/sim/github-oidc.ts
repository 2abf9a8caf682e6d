/** GitHub's OIDC token endpoint, as the runner exposes it through ACTIONS_ID_TOKEN_REQUEST_URL, and its state. */
import { generateKeyPairSync, randomBytes, type KeyPairKeyObjectResult } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { GITHUB_ISSUER, PLANTED } from './names.js'
import { json, type Reply } from './reply.js'
import type { Simulator } from './simulator.js'

let sharedKeys: KeyPairKeyObjectResult | undefined

/** The issuer's signing key: one per test process, as an RSA key costs about 100 ms of CPU to make and the suite starts hundreds of simulators. */
function issuerKeyPair(): KeyPairKeyObjectResult {
  sharedKeys ??= generateKeyPairSync('rsa', { modulusLength: 2048 })
  return sharedKeys
}

/** What GitHub's OIDC issuer holds for a job: the claims it signs, its key, and the runner's bearer for the endpoint. */
export class OidcState {
  /** Claims GitHub puts in the job's ID token (the audience comes from the request). */
  claims: Record<string, unknown> = {
    iss: GITHUB_ISSUER,
    sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
    repository: 'octo-org/octo-repo',
    ref: 'refs/heads/main'
  }
  readonly keys = issuerKeyPair()
  /** The bearer the runner gives the action for the endpoint. */
  readonly requestToken = `${PLANTED}-runner-bearer-${randomBytes(12).toString('base64url')}`
}

export function answerIdToken(sim: Simulator, request: IncomingMessage, url: URL): Reply {
  if (request.method !== 'GET' || request.headers.authorization !== `Bearer ${sim.oidc.requestToken}`) {
    return json(401, { message: 'Unauthorized' })
  }
  const audience = url.searchParams.get('audience') ?? GITHUB_ISSUER
  return json(200, { value: sim.signIdToken({ ...sim.oidc.claims, aud: audience }) })
}
