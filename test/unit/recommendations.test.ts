import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Recommendation } from '../../src/sources/recommendations/answers.js'
import {
  explainScoreChange,
  impactsDigest,
  MAX_RECORD_BYTES,
  readRecommendationRecord,
  recommendationRecord
} from '../../src/sources/recommendations/changes.js'

function recommendation(id: string, configScoreImpact: number, exposedMachines = 10): Recommendation {
  return { id, name: `Fix ${id}`, category: '', product: '', configScoreImpact, exposedMachines, totalMachines: 40 }
}

describe('recommendations: why the score moved', () => {
  it('records every recommendation with a score impact, largest first, within its byte bound, and says when it is cut', () => {
    const record = recommendationRecord([recommendation('a', 1), recommendation('b', 0), recommendation('c', 3)])
    assert.deepEqual(record, {
      items: [
        ['c', 3, 10],
        ['a', 1, 10]
      ],
      complete: true
    })
    const many = Array.from({ length: 2000 }, (_, index) => recommendation(`sca-_-scid-${index}`, 1 + index / 1000))
    const cut = recommendationRecord(many)
    assert.equal(cut.complete, false)
    assert.ok(JSON.stringify(cut).length <= MAX_RECORD_BYTES + 100, `${JSON.stringify(cut).length} bytes`)
    assert.equal(cut.items[0]?.[0], 'sca-_-scid-1999', 'the largest impact is kept first')
    const odd = recommendationRecord([recommendation('a b <c>', 1)])
    assert.match(odd.items[0]?.[0] ?? '', /^sha256:[0-9a-f]{32}$/, 'no text from the API that is not ID-shaped reaches the history')
  })

  it('reads back only a record of the shape it writes (a history line is hostile)', () => {
    assert.deepEqual(readRecommendationRecord({ items: [['a', 1, null]], complete: true }), { items: [['a', 1, null]], complete: true })
    for (const bad of [
      null,
      { items: [['a', 1, 2]] },
      { items: [['a', '1', 2]], complete: true },
      { items: [['a', -1, 2]], complete: true },
      { items: [['a b', 1, 2]], complete: true },
      { items: [['a', 1, 2, 3]], complete: true },
      {
        items: [
          ['a', 1, 2],
          ['a', 2, 2]
        ],
        complete: true
      },
      { items: 'a', complete: true }
    ]) {
      assert.equal(readRecommendationRecord(bad), null, JSON.stringify(bad))
    }
  })

  it('accounts for the change by each recommendation whose impact moved, those that appeared and left, and the remainder', () => {
    const change = explainScoreChange(
      340,
      {
        time: 'T1',
        score: 350,
        record: {
          items: [
            ['a', 2, 10],
            ['b', 1, 5],
            ['gone', 3, 1]
          ],
          complete: true
        }
      },
      [recommendation('a', 8, 50), recommendation('b', 1, 5), recommendation('new', 1.5)]
    )
    assert.equal(change?.kind, 'explained')
    if (change?.kind !== 'explained') return
    assert.deepEqual(
      change.movers.map(mover => [mover.id, mover.points, mover.exposedBefore, mover.exposedNow]),
      [['a', -6, 10, 50]]
    )
    assert.deepEqual(
      change.appeared.map(mover => [mover.id, mover.points]),
      [['new', -1.5]]
    )
    assert.deepEqual(
      change.left.map(mover => [mover.id, mover.points]),
      [['gone', 3]]
    )
    assert.equal(change.unexplained, -10 - (-6 - 1.5 + 3))
  })

  it('says nothing when the score did not change, and never attributes from a record it cannot trust', () => {
    const now = [recommendation('a', 1)]
    assert.equal(explainScoreChange(340, { time: 'T1', score: 340, record: undefined }, now), undefined)
    const reasons = [
      explainScoreChange(340, { time: 'T1', score: 341, record: undefined }, now),
      explainScoreChange(340, { time: 'T1', score: 341, record: null }, now),
      explainScoreChange(340, { time: 'T1', score: 341, record: { items: [], complete: false } }, now),
      explainScoreChange(340, { time: 'T1', score: 341, record: { items: [], complete: true } }, 'not read')
    ]
    assert.deepEqual(
      reasons.map(change => change?.kind),
      ['unexplained', 'unexplained', 'unexplained', 'unexplained']
    )
  })

  it('digests every impact: the same recommendations in any order give the same digest, a moved impact another', () => {
    const digest = impactsDigest([recommendation('a', 1), recommendation('b', 2)])
    assert.equal(impactsDigest([recommendation('b', 2), recommendation('a', 1)]), digest)
    assert.notEqual(impactsDigest([recommendation('a', 1), recommendation('b', 2.5)]), digest)
    assert.match(digest, /^[0-9a-f]{16}$/)
  })
})
