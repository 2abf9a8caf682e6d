/** Exploitable vulnerabilities: what counts, the order they are fixed in, the history's record of them and what changed. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  fixFirst,
  isCveId,
  isExploitable,
  pageUrl,
  severityFilter,
  vulnerabilityPageReader,
  type ExploitableVulnerability,
  type Severity
} from '../../src/sources/vulnerabilities/answers.js'
import {
  compareVulnerabilities,
  MAX_FIRST_SEEN,
  MAX_RECORDED_IDS,
  readFirstSeen,
  readVulnerabilityRecord,
  recordedId,
  vulnerabilityRecord
} from '../../src/sources/vulnerabilities/changes.js'
import { ServiceError } from '../../src/errors.js'
import { firstSeenTimes, recordedFirstSeen, vulnerabilityAges } from '../../src/sources/vulnerabilities/age.js'

function item(id: string, changes: Partial<ExploitableVulnerability> = {}): ExploitableVulnerability {
  return {
    id,
    severity: 'critical',
    cvssV3: 9,
    epss: 0.5,
    exposedMachines: 1,
    publicExploit: true,
    exploitVerified: false,
    exploitInKit: false,
    partialException: false,
    firstDetected: undefined,
    ...changes
  }
}

const page = (value: unknown[], extra: Record<string, unknown> = {}) => JSON.stringify({ value, ...extra })

/** Reads a page arriving in chunks of `size` bytes, as the network may cut it anywhere. */
function parseVulnerabilityPage(body: string, lowest: Severity, size = 5) {
  const reader = vulnerabilityPageReader(lowest)
  const bytes = Buffer.from(body)
  for (let start = 0; start < bytes.length; start += size) reader.write(bytes.subarray(start, start + size))
  return reader.end()
}

describe('vulnerabilities', () => {
  it('is exploitable only on a device, with an exploit of any kind, at or above the severity', () => {
    assert.equal(isExploitable(item('a'), 'critical'), true)
    assert.equal(isExploitable(item('a', { exposedMachines: 0 }), 'low'), false)
    assert.equal(isExploitable(item('a', { publicExploit: false }), 'low'), false)
    assert.equal(isExploitable(item('a', { publicExploit: false, exploitInKit: true }), 'low'), true)
    assert.equal(isExploitable(item('a', { publicExploit: false, exploitVerified: true }), 'low'), true)
    assert.equal(isExploitable(item('a', { severity: 'high' }), 'critical'), false)
    assert.equal(isExploitable(item('a', { severity: 'high' }), 'high'), true)
  })

  it('filters on the server by the severity and those above, in the API spelling, and pages by 8,000', () => {
    assert.equal(severityFilter('critical'), "severity eq 'Critical'")
    assert.equal(severityFilter('medium'), "severity eq 'Medium' or severity eq 'High' or severity eq 'Critical'")
    const url = new URL(pageUrl('https://api.security.microsoft.com', 'high', 16000))
    assert.equal(url.pathname, '/api/vulnerabilities')
    assert.equal(url.searchParams.get('$filter'), "severity eq 'High' or severity eq 'Critical'")
    assert.equal(url.searchParams.get('$top'), '8000')
    assert.equal(url.searchParams.get('$skip'), '16000')
    assert.doesNotMatch(url.search, /\+/, 'spaces as %20, which OData servers read as spaces')
  })

  it('orders by what a responder fixes first: weaponised, then EPSS, CVSS, devices, then the ID', () => {
    const items = [
      item('E', { epss: 0.9 }),
      item('D', { epss: undefined, cvssV3: 10 }),
      item('A', { exploitInKit: true, epss: 0.01 }),
      item('B', { exploitVerified: true, epss: 0.01 }),
      item('C', { epss: 0.9, cvssV3: 9, exposedMachines: 50 }),
      item('F', { epss: 0.9, cvssV3: 9.5 })
    ]
    assert.deepEqual(
      [...items].sort(fixFirst).map(vulnerability => vulnerability.id),
      ['A', 'B', 'F', 'C', 'E', 'D']
    )
  })

  it('reads EPSS whatever the casing of its key, and only as a probability; keeps only the exploitable items', () => {
    const base = { severity: 'Critical', exposedMachines: 3, publicExploit: true }
    const parsed = parseVulnerabilityPage(
      page([
        { id: 'CVE-2025-1', EPSS: 0.25, ...base },
        { id: 'CVE-2025-2', epss: 0.5, ...base },
        { id: 'CVE-2025-3', Epss: 7, cvssV3: 'high', ...base },
        { id: 'CVE-2025-4', ...base, publicExploit: false },
        { id: 'CVE-2025-5', ...base, severity: 'Low' }
      ]),
      'high'
    )
    assert.deepEqual(
      parsed.exploitable.map(vulnerability => [vulnerability.id, vulnerability.epss, vulnerability.cvssV3]),
      [
        ['CVE-2025-1', 0.25, undefined],
        ['CVE-2025-2', 0.5, undefined],
        ['CVE-2025-3', undefined, undefined]
      ],
      'a flag that is false is not an exploit; a low one is not counted at high'
    )
    assert.equal(parsed.items, 5)
  })

  it('refuses an answer that is not a collection, and an item without an ID, a known severity or a device count', () => {
    const refused = (body: string) =>
      assert.throws(
        () => parseVulnerabilityPage(body, 'critical'),
        (error: unknown) => error instanceof ServiceError
      )
    refused('<html>')
    refused(JSON.stringify({ value: {} }))
    refused(page([{ severity: 'Critical', exposedMachines: 1 }]))
    refused(page([{ id: 'CVE-1', severity: 'Severe', exposedMachines: 1 }]))
    refused(page([{ id: 'CVE-1', severity: 'Critical', exposedMachines: -1 }]))
    refused(page([null]))
  })

  it('refuses an item whose exploit flags are present but not booleans ("true", 1, null), like an item with a bad ID', () => {
    for (const flags of [{ publicExploit: 'true' }, { exploitVerified: 1 }, { exploitInKit: null }, { publicExploit: {} }]) {
      assert.throws(
        () => parseVulnerabilityPage(page([{ id: 'CVE-2024-1', severity: 'Critical', exposedMachines: 40, ...flags }]), 'critical'),
        (error: unknown) => error instanceof ServiceError && /exploit flags are not true or false/.test(error.message),
        JSON.stringify(flags)
      )
    }
    const absent = parseVulnerabilityPage(
      page([{ id: 'CVE-2024-1', severity: 'Critical', exposedMachines: 40, publicExploit: true }]),
      'critical'
    )
    assert.equal(absent.exploitable.length, 1, 'a flag that is absent is no exploit; the others decide')
  })

  it('takes the next page from @odata.nextLink when the answer carries one', () => {
    assert.equal(parseVulnerabilityPage(page([], { '@odata.nextLink': 'https://x/next' }), 'low').nextLink, 'https://x/next')
    assert.equal(parseVulnerabilityPage(page([]), 'low').nextLink, undefined)
  })

  it('links only IDs shaped like a CVE', () => {
    assert.equal(isCveId('CVE-2024-30080'), true)
    assert.equal(isCveId('CVE-2024-1234567'), true)
    assert.equal(isCveId('CVE-2024-30080)](https://evil'), false)
    assert.equal(isCveId('cve-2024-30080'), false)
  })

  describe('the history record', () => {
    it('keeps at most 2,500 IDs, and writes any that is not ID-shaped as a digest', () => {
      const many = Array.from({ length: 3000 }, (_, index) => item(`CVE-2025-${10000 + index}`))
      const record = vulnerabilityRecord('critical', many)
      assert.equal(record.count, 3000)
      assert.equal(record.ids.length, MAX_RECORDED_IDS)
      assert.ok(JSON.stringify(record).length < 45_000)
      assert.match(recordedId('<script>alert(1)</script>'), /^sha256:[0-9a-f]{32}$/)
      assert.equal(recordedId('cve-2025-1'), 'CVE-2025-1')
    })

    it('reads a record from a line, and refuses one that cannot be (hostile lines)', () => {
      assert.deepEqual(readVulnerabilityRecord({ severity: 'high', count: 2, ids: ['A', 'B'] }), {
        severity: 'high',
        count: 2,
        ids: ['A', 'B']
      })
      for (const bad of [
        null,
        { severity: 'severe', count: 0, ids: [] },
        { severity: 'high', count: 1, ids: ['A', 'B'] },
        { severity: 'high', count: -1, ids: [] },
        { severity: 'high', count: 1, ids: [7] },
        { severity: 'high', count: 1, ids: ['x'.repeat(100)] },
        { severity: 'high', count: 1, ids: ['<img src=x>'] }
      ]) {
        assert.equal(readVulnerabilityRecord(bad), null, JSON.stringify(bad))
      }
    })
  })

  describe('changes since the previous reading', () => {
    const current = [item('CVE-2025-3'), item('CVE-2025-1')]
    const previous = (ids: string[], severity: 'critical' | 'high' = 'critical', count = ids.length) => ({
      kind: 'read' as const,
      previous: { time: 'T1', record: { severity, count, ids } }
    })

    it('names the new and the fixed ones, comparing IDs as recorded', () => {
      assert.deepEqual(compareVulnerabilities('critical', current, current, previous(['CVE-2025-1', 'CVE-2025-2'])), {
        kind: 'compared',
        since: 'T1',
        added: ['CVE-2025-3'],
        removed: ['CVE-2025-2']
      })
    })

    it('is a first reading with no earlier record, or one at another severity', () => {
      assert.equal(compareVulnerabilities('critical', current, current, { kind: 'read', previous: undefined }).kind, 'first')
      assert.equal(compareVulnerabilities('critical', current, current, previous([], 'high')).kind, 'first')
    })

    it('cannot be told from a history that cannot be read, a record that cannot be read, or one cut at its bound', () => {
      assert.deepEqual(compareVulnerabilities('critical', current, current, { kind: 'unavailable', reason: 'HTTP 502' }), {
        kind: 'unknown',
        reason: 'HTTP 502'
      })
      assert.equal(
        compareVulnerabilities('critical', current, current, { kind: 'read', previous: { time: 'T1', record: null } }).kind,
        'unknown'
      )
      assert.equal(compareVulnerabilities('critical', current, current, previous(['CVE-2025-1'], 'critical', 3000)).kind, 'unknown')
      assert.equal(compareVulnerabilities('critical', current, current, { kind: 'none' }).kind, 'untracked')
    })
  })
})

describe('vulnerability age', () => {
  const now = '2026-12-05T06:00:00Z'
  const previous = (ids: string[], firstSeen?: Record<string, string>, count = ids.length) => ({
    kind: 'read' as const,
    previous: { time: '2026-11-01T06:00:00Z', record: { severity: 'critical' as const, count, ids, ...(firstSeen ? { firstSeen } : {}) } }
  })

  it("dates an item by Defender's firstDetected, else by the history: a carried date, the listing line's time, or now when a complete record did not list it", () => {
    const items = [
      item('CVE-2025-1', { firstDetected: '2026-10-01T00:00:00Z' }),
      item('CVE-2025-2'),
      item('CVE-2025-3'),
      item('CVE-2025-4')
    ]
    const times = firstSeenTimes(items, 'critical', previous(['CVE-2025-2', 'CVE-2025-3'], { 'CVE-2025-3': '2026-09-01T00:00:00Z' }), now)
    assert.deepEqual(Object.fromEntries(times), {
      'CVE-2025-2': '2026-11-01T06:00:00Z',
      'CVE-2025-3': '2026-09-01T00:00:00Z',
      'CVE-2025-4': now
    })
    assert.deepEqual(
      vulnerabilityAges(items, times, now).map(age => [age.id, age.ageDays, age.from]),
      [
        ['CVE-2025-1', 65, 'defender'],
        ['CVE-2025-2', 34, 'history'],
        ['CVE-2025-3', 95, 'history'],
        ['CVE-2025-4', 0, 'history']
      ]
    )
  })

  it('never takes an item for new without a complete record to compare with: no history, a cut record, another severity', () => {
    const items = [item('CVE-2025-9')]
    assert.equal(firstSeenTimes(items, 'critical', { kind: 'none' }, now).size, 0)
    assert.equal(firstSeenTimes(items, 'critical', { kind: 'read', previous: undefined }, now).size, 0)
    assert.equal(firstSeenTimes(items, 'critical', previous(['CVE-2025-1'], undefined, 3000), now).size, 0)
    assert.equal(firstSeenTimes(items, 'high', previous(['CVE-2025-1']), now).size, 0)
    assert.equal(vulnerabilityAges(items, new Map(), now)[0]?.ageDays, undefined)
  })

  it(`keeps at most ${MAX_FIRST_SEEN} dates a line, and reads back only dates of the shape it writes`, () => {
    const items = Array.from({ length: MAX_FIRST_SEEN + 20 }, (_, index) => item(`CVE-2025-${1000 + index}`))
    const times = new Map(items.map(vulnerability => [vulnerability.id, now]))
    assert.equal(Object.keys(recordedFirstSeen(items, times) ?? {}).length, MAX_FIRST_SEEN)
    assert.equal(readFirstSeen({ 'CVE-2025-1': 'yesterday' }), null)
    assert.equal(readFirstSeen({ 'CVE 1': now }), null)
    assert.deepEqual(readFirstSeen({ 'CVE-2025-1': now }), { 'CVE-2025-1': now })
  })
})
