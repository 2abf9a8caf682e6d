/**
 * The floor: the least any program could do for the action's main job, as CommonJS (an ES module
 * costs Node about 8 ms more to start). Two node:http requests (a client-secret token, then the
 * score) and the score on stdout; no validation, retries, proxy, outputs or summary. The benchmark
 * compares the action's whole-process time with this one's, each given the same explicit
 * environment. Reads BENCH_TOKEN_URL, BENCH_SCORE_URL, BENCH_CLIENT_ID, BENCH_CLIENT_SECRET and BENCH_SCOPE.
 */
import { request } from 'node:http'

function exchange(url: string, method: string, headers: Record<string, string>, body?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, headers }, response => {
      let text = ''
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
      response.on('end', () => resolve(text)).on('error', reject)
    })
    outgoing.on('error', reject).end(body)
  })
}

async function main(): Promise<void> {
  const env = (name: string): string => process.env[name] ?? ''
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: env('BENCH_CLIENT_ID'),
    client_secret: env('BENCH_CLIENT_SECRET'),
    scope: env('BENCH_SCOPE')
  }).toString()
  const token = JSON.parse(
    await exchange(env('BENCH_TOKEN_URL'), 'POST', { 'Content-Type': 'application/x-www-form-urlencoded' }, form)
  ) as {
    access_token: string
  }
  const score = JSON.parse(await exchange(env('BENCH_SCORE_URL'), 'GET', { Authorization: `Bearer ${token.access_token}` })) as {
    score: number
  }
  console.log(score.score)
}

void main()
