/** The threshold decision; pure. */
export type GateOutcome =
  | { status: 'no-gate' }
  | { status: 'pass' | 'fail'; minScore: number }

export function evaluateGate(score: number, minScore: number | undefined): GateOutcome {
  if (minScore === undefined) {
    return { status: 'no-gate' }
  }
  return { status: score >= minScore ? 'pass' : 'fail', minScore }
}

export function gatePassed(gate: GateOutcome): boolean {
  return gate.status !== 'fail'
}

/** One sentence for the log and, on failure, the annotation. */
export function gateMessage(score: number, gate: GateOutcome): string {
  switch (gate.status) {
    case 'no-gate':
      return `Device secure score is ${score} points (no min-score set, so no threshold to check).`
    case 'pass':
      return `Device secure score ${score} meets the threshold min-score ${gate.minScore}.`
    case 'fail':
      return `Device secure score ${score} is below the threshold min-score ${gate.minScore} (short by ${formatPoints(gate.minScore - score)} points).`
  }
}

/** Points as people read them: whole numbers as is, fractions to two places. */
export function formatPoints(points: number): string {
  return Number.isInteger(points) ? String(points) : points.toFixed(2).replace(/\.?0+$/, '')
}
