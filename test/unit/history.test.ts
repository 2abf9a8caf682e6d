/** The history of readings: parsing and comparing. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseHistory, viewHistory, type HistoryEntry } from '../../src/history/history.js'

describe('history', () => {
  const entry = (score: number, tenant = 't1', time = `2026-11-${10 + score}T00:00:00Z`): HistoryEntry => ({
    time,
    score,
    exposure: null,
    tenant,
    apiHost: 'h'
  })

  it('reads JSON lines, counting the ones that are not readings', () => {
    const text = [
      JSON.stringify(entry(1)),
      '{broken',
      '',
      JSON.stringify({ score: 'x', time: 't' }),
      '[1]',
      JSON.stringify({ ...entry(2), exposure: 40 })
    ].join('\n')
    const file = parseHistory(text)
    assert.deepEqual(
      file.entries.map(item => [item.score, item.exposure]),
      [
        [1, null],
        [2, 40]
      ]
    )
    assert.equal(file.unreadableLines, 3)
    assert.equal(file.needsNewline, true)
    assert.equal(parseHistory('').needsNewline, false)
    assert.equal(parseHistory(`${JSON.stringify(entry(1))}\n`).needsNewline, false)
  })

  it('compares with the previous reading of the same tenant only', () => {
    const entries = [entry(1), entry(2, 't2'), entry(3), entry(4, 't2')]
    const view = viewHistory(entries, entry(5), 3)
    assert.equal(view.previous?.score, 3)
    assert.deepEqual(
      view.recent.map(item => item.score),
      [1, 3, 5]
    )
    assert.equal(viewHistory([], entry(5), 10).previous, undefined)
  })
})

describe('history as bytes', () => {
  const line = (score: number, run?: string) =>
    JSON.stringify({ time: `2026-11-${10 + score}T00:00:00Z`, score, exposure: null, tenant: 't1', apiHost: 'h', ...(run ? { run } : {}) })

  it('a line that is not valid UTF-8 is unreadable, not read with replacement characters', () => {
    const bytes = Buffer.concat([
      Buffer.from('{"time":"2026-11-11T00:00:00Z","score":1,"tenant":"t\u00e9'),
      Buffer.from([0xff]),
      Buffer.from('"}\n'),
      Buffer.from(`${line(2)}\n`)
    ])
    const file = parseHistory(bytes)
    assert.deepEqual(
      file.entries.map(entry => entry.score),
      [2]
    )
    assert.equal(file.unreadableLines, 1)
  })

  it("a run's own line is never its previous reading", () => {
    const current: HistoryEntry = { time: '2026-11-20T00:00:00Z', score: 300, exposure: null, tenant: 't1', apiHost: 'h', run: '1.1.abc' }
    const entries = parseHistory([line(5), JSON.stringify(current)].join('\n')).entries
    assert.equal(entries.length, 2)
    assert.equal(viewHistory(entries, current, 10).previous?.score, 5)
  })
})
