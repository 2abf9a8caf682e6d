/** The history of readings: parsing and comparing. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  BRANCH_HISTORY_BYTES,
  datedEntry,
  historyEntryOf,
  MAX_LINE_BYTES,
  nextBranchHistory,
  parseHistory,
  viewHistory,
  type HistoryEntry
} from '../../src/history/history.js'
import type { DefenderReadings } from '../../src/sources/registry.js'
import { MAX_READ_BYTES } from '../../src/files/workspace.js'
import { MAX_RECORDED_IDS } from '../../src/sources/vulnerabilities/changes.js'

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

  it("keys a tenant's history by its directory ID: lines under another spelling of the same directory are its own, another directory's are not", () => {
    const directory = '72f988bf-86f1-41af-91ab-2d7cd011db47'
    const other = '11111111-2222-3333-4444-555555555555'
    const entries = [
      entry(1, 'contoso.onmicrosoft.com'),
      { ...entry(2, 'contoso.onmicrosoft.com'), directory },
      { ...entry(3, 'contoso.com'), directory: other },
      entry(4, 'fabrikam.com')
    ]
    const byGuid = viewHistory(entries, { ...entry(5, directory.toUpperCase()), directory }, 10)
    assert.deepEqual(
      byGuid.recent.map(item => item.score),
      [1, 2, 5],
      'the domain spelling is known to be this directory from a line that recorded both'
    )
    assert.equal(byGuid.previous?.score, 2)
    const sameSpellingOtherDirectory = viewHistory(entries, { ...entry(5, 'contoso.com'), directory }, 10)
    assert.deepEqual(
      sameSpellingOtherDirectory.recent.map(item => item.score),
      [1, 2, 5],
      'a line of another directory under the same spelling is not this tenant'
    )
  })

  it('reads a line whose directory is not a directory ID as unreadable', () => {
    const file = parseHistory(
      [JSON.stringify({ ...entry(1), directory: 'contoso.com' }), JSON.stringify({ ...entry(2), directory: 7 })].join('\n')
    )
    assert.equal(file.unreadableLines, 2)
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

describe('a history on a branch stays bounded', () => {
  const tenants = Array.from({ length: 200 }, (_, index) => `00000000-0000-0000-0000-${String(index).padStart(12, '0')}`)
  const ids = (count: number) => Array.from({ length: count }, (_, index) => `CVE-2025-${String(10000 + index)}`)
  const day = (run: number) => new Date(Date.UTC(2026, 0, 1) + run * 86_400_000).toISOString().replace('Z', '0000Z')
  const reading = (tenant: string, run: number, count: number): HistoryEntry => ({
    time: day(run),
    score: 340.25 + (run % 7),
    exposure: 42.5,
    tenant,
    directory: tenant,
    apiHost: 'api.security.microsoft.com',
    run: `1234567890${run}.1.0123456789ab`,
    vulnerabilities: { severity: 'critical', count, ids: ids(count) }
  })

  it('keeps vulnerability IDs only in the newest reading of each tenant', () => {
    let bytes: Buffer = Buffer.alloc(0)
    for (let run = 0; run < 3; run++) {
      bytes = nextBranchHistory(
        bytes,
        tenants.slice(0, 2).map(tenant => reading(tenant, run, 3))
      )
    }
    const entries = parseHistory(bytes).entries
    assert.equal(entries.length, 6)
    assert.deepEqual(
      entries.map(entry => entry.vulnerabilities?.ids.length ?? 0),
      [0, 0, 0, 0, 3, 3]
    )
    assert.equal(viewHistory(entries, reading(tenants[0] ?? '', 3, 3), 10).previousVulnerabilities?.record?.ids.length, 3)
  })

  it('daily runs of 200 tenants never pass the budget, and never drop a tenant’s newest reading (a year, at a 1 MiB scale)', () => {
    const budget = 1024 * 1024
    let bytes: Buffer = Buffer.alloc(0)
    for (let run = 0; run < 40; run++) {
      const present = run % 5 === 0 ? tenants : tenants.slice(0, 150)
      bytes = nextBranchHistory(
        bytes,
        present.map(tenant => reading(tenant, run, 2)),
        budget
      )
      assert.ok(bytes.length <= budget, `run ${run}: ${bytes.length} bytes`)
    }
    const entries = parseHistory(bytes).entries
    assert.equal(new Set(entries.map(entry => entry.tenant)).size, 200, 'the tenants absent from the last runs keep their newest reading')
    assert.ok(entries.length > 3000)
  })

  it('one run of 200 tenants at the 2,500-ID bound fits under the budget, and the budget under what a run reads: a year stays readable', () => {
    const run = nextBranchHistory(
      Buffer.alloc(0),
      tenants.map(tenant => reading(tenant, 0, MAX_RECORDED_IDS))
    )
    assert.ok(run.length < BRANCH_HISTORY_BYTES / 1.5, `${run.length} bytes for one run`)
    assert.ok(BRANCH_HISTORY_BYTES < MAX_READ_BYTES)
    const yearOfLines =
      365 * tenants.length * (Buffer.byteLength(JSON.stringify({ ...reading(tenants[0] ?? '', 0, 0), vulnerabilities: undefined })) + 1)
    assert.ok(yearOfLines > BRANCH_HISTORY_BYTES, 'without the bound a year would not fit: the bound is what keeps it')
  })
})

describe('a history line stays under 64 KB', () => {
  it('with every bound at its most (IDs as digests, a full record of the recommendations, dated vulnerabilities), the line is cut to fit, never written past it', () => {
    const item = (id: string) => ({
      id,
      severity: 'critical' as const,
      cvssV3: 9,
      epss: 0.5,
      exposedMachines: 1,
      publicExploit: true,
      exploitVerified: false,
      exploitInKit: false,
      partialException: false,
      firstDetected: undefined
    })
    // IDs that are not ID-shaped are kept as 39-character digests: 2,500 of them alone pass 64 KB.
    const exploitable = Array.from({ length: 3000 }, (_, index) => item(`odd id ${index}`))
    const readings: DefenderReadings = {
      score: { score: 340, time: '2026-12-05T06:00:00Z' },
      exposure: undefined,
      deviceGroups: undefined,
      devices: undefined,
      vulnerabilities: { kind: 'read', severity: 'critical', exploitable, underException: [], accepted: [] },
      recommendations: {
        active: Array.from({ length: 3000 }, (_, index) => ({
          id: `sca-_-scid-${index}`,
          name: 'n',
          category: '',
          product: '',
          configScoreImpact: 1,
          exposedMachines: 10,
          totalMachines: 10
        })),
        shown: 5,
        excepted: 0,
        accepted: []
      }
    }
    const entry = historyEntryOf(readings, 'contoso.onmicrosoft.com', undefined, 'api.security.microsoft.com', 'run')
    const written = datedEntry(entry, readings, viewHistory([], entry, 2))
    const bytes = Buffer.byteLength(JSON.stringify(written), 'utf8')
    assert.ok(bytes <= MAX_LINE_BYTES, `${bytes} bytes`)
    assert.equal(written.vulnerabilities?.count, 3000, 'the count stays, so the next run knows the IDs were cut')
    assert.ok((written.vulnerabilities?.ids.length ?? 0) < MAX_RECORDED_IDS)
    assert.equal(written.recommendations?.complete, false)
  })
})
