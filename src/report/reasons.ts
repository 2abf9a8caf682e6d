/**
 * Why a tenant could not be read, in a few words for a table cell ("no consent in this tenant
 * (AADSTS700016)", "no Score.Read.All (403)"); the whole message stays in the tenant's details. Read
 * from the message the action wrote (../signin/entra.ts, ../defender/api.ts). Pure.
 */

/** The AADSTS codes people hit most, in a few words (https://learn.microsoft.com/entra/identity-platform/reference-error-codes). */
const AADSTS_BRIEFLY: ReadonlyMap<string, string> = new Map([
  ['700016', 'no consent in this tenant'],
  ['65001', 'no admin consent'],
  ['7000215', 'client secret refused'],
  ['7000222', 'client secret expired'],
  ['70021', 'no federated credential matches'],
  ['700211', "federated credential's issuer differs"],
  ['700212', "federated credential's audience differs"],
  ['700213', "federated credential's subject differs"],
  ['700024', 'OIDC token expired'],
  ['700027', 'certificate not registered on the app'],
  ['53003', 'blocked by Conditional Access'],
  ['90002', 'tenant not found'],
  ['500011', 'Defender for Endpoint not set up here']
])

/** Characters a reason keeps when no pattern is known: its first sentence, cut. */
const MAX_BRIEF_CHARS = 80

export function shortReason(message: string): string {
  const code = /AADSTS(\d{5,7})/.exec(message)?.[1]
  if (code !== undefined) {
    return `${AADSTS_BRIEFLY.get(code) ?? 'sign-in refused'} (AADSTS${code})`
  }
  const refused = /The Defender API refused GET \S+ \(HTTP (\d{3})/.exec(message)
  if (refused) {
    const permission = /application permission ([\w.]+) on WindowsDefenderATP/.exec(message)?.[1]
    return refused[1] === '403' && permission ? `no ${permission} (403)` : `the Defender API answered HTTP ${refused[1]}`
  }
  if (/time ran out|timed out|No answer/i.test(message)) {
    return 'no answer in time'
  }
  const first = message.split(/(?<=\.)\s|\n/)[0] ?? message
  return first.length > MAX_BRIEF_CHARS ? `${first.slice(0, MAX_BRIEF_CHARS - 1)}…` : first
}
