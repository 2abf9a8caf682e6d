import type { ScoreReading } from './defender.js'
import { formatPoints, gatePassed, type GateOutcome } from './gate.js'
import type { Cloud, Region } from './clouds.js'
import type { AuthMethod } from './settings.js'

/** Everything a run learned: the one model the outputs and the job summary are rendered from. */
export interface ScoreReport {
  reading: ScoreReading
  gate: GateOutcome
  /** false when fail-on-low-score is off: a failed gate only warns. */
  enforced: boolean
  /** The tenant-id input; empty when an access token was given without one. */
  tenant: string
  cloud: Cloud
  region: Region | undefined
  /** Host of the Defender API that answered. */
  apiHost: string
  authMethod: AuthMethod
}

const AUTH_LABELS: Record<AuthMethod, string> = {
  oidc: 'GitHub OIDC federated credential',
  secret: 'client secret',
  certificate: 'client certificate',
  token: 'access token given to the action'
}

export function reportOutputs(report: ScoreReport): Record<string, string> {
  return {
    score: String(report.reading.score),
    'score-time': report.reading.time,
    'min-score': report.gate.status === 'no-gate' ? '' : String(report.gate.minScore),
    passed: String(gatePassed(report.gate))
  }
}

/** Markdown for the job summary. */
export function renderSummary(report: ScoreReport): string {
  const { reading, gate } = report
  const score = formatPoints(reading.score)
  const [mark, verdict] = verdictOf(report)
  const rows: Array<[string, string]> = [
    ['Score', `**${score}** points`],
    ['Threshold (`min-score`)', gate.status === 'no-gate' ? 'none set' : `${formatPoints(gate.minScore)} points`],
    ['Result', `${mark} ${verdict}`],
    ['Reported at', escapeCell(reading.time)],
    ['Tenant', report.tenant ? `\`${escapeCell(report.tenant)}\`` : 'not given'],
    ['Cloud', report.region ? `${report.cloud} (region ${report.region})` : report.cloud],
    ['API host', `\`${escapeCell(report.apiHost)}\``],
    ['Signed in with', AUTH_LABELS[report.authMethod]]
  ]
  return [
    `## ${mark} Device secure score: ${score} points`,
    '',
    '| | |',
    '|---|---|',
    ...rows.map(([name, value]) => `| ${name} | ${value} |`),
    '',
    '<sub>Microsoft Defender for Endpoint reports the score in points with no documented maximum (higher is better); ' +
      'the time is when the API answered, not when the score was computed.</sub>',
    ''
  ].join('\n')
}

function verdictOf(report: ScoreReport): [string, string] {
  const { gate, reading } = report
  switch (gate.status) {
    case 'no-gate':
      return ['ℹ️', 'no threshold set']
    case 'pass':
      return ['✅', `passed (${formatPoints(reading.score - gate.minScore)} points above the threshold)`]
    case 'fail': {
      const short = `${formatPoints(gate.minScore - reading.score)} points below the threshold`
      return report.enforced ? ['❌', `failed (${short})`] : ['⚠️', `below the threshold, warning only (${short})`]
    }
  }
}

function escapeCell(text: string): string {
  return text.replace(/[|`<>]/g, character => `&#${character.charCodeAt(0)};`)
}
