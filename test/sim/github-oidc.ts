/** GitHub's OIDC token endpoint, as the runner exposes it through ACTIONS_ID_TOKEN_REQUEST_URL. */
import type { IncomingMessage } from 'node:http'
import { json, type Reply } from './reply.js'
import { GITHUB_ISSUER, type Simulator } from './simulator.js'

export function answerIdToken(sim: Simulator, request: IncomingMessage, url: URL): Reply {
  if (request.method !== 'GET' || request.headers.authorization !== `Bearer ${sim.oidcRequestToken}`) {
    return json(401, { message: 'Unauthorized' })
  }
  const audience = url.searchParams.get('audience') ?? GITHUB_ISSUER
  return json(200, { value: sim.signIdToken({ ...sim.oidcClaims, aud: audience }) })
}
