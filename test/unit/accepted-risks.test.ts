import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { stringify } from 'yaml'
import { acceptanceNotes, acceptRisks } from '../../src/accepted-risks/apply.js'
import { MAX_ENTRIES, MAX_FILE_BYTES, parseAcceptedRisks, type FileContext } from '../../src/accepted-risks/file.js'
import type { AcceptedRisks } from '../../src/accepted-risks/risk.js'
import { CHECK_IDS } from '../../src/checks/registry.js'
import { ConfigurationError } from '../../src/errors.js'
import type { DefenderReadings } from '../../src/sources/registry.js'
import type { ExploitableVulnerability } from '../../src/sources/vulnerabilities/answers.js'

const CONTEXT: FileContext = {
  where: '.github/accepted-risks.yml on main at 1a2b3c4',
  tenants: [
    { id: 'contoso.onmicrosoft.com', label: 'Contoso' },
    { id: '22222222-2222-2222-2222-222222222222', label: 'Fabrikam' }
  ],
  today: '2026-12-05',
  maxDays: 365,
  checkIds: CHECK_IDS
}

const ENTRY = {
  id: 'CVE-2024-38063',
  reason: 'Kiosk image; the vendor ships a fix in March',
  owner: 'secops@contoso.com',
  expires: '2027-03-31'
}

function parse(entries: unknown, context: Partial<FileContext> = {}) {
  return parseAcceptedRisks(Buffer.from(typeof entries === 'string' ? entries : stringify(entries)), { ...CONTEXT, ...context })
}

function refusal(entries: unknown): string {
  try {
    parse(entries)
  } catch (error) {
    assert.ok(error instanceof ConfigurationError, String(error))
    return error.message
  }
  assert.fail('the file was accepted')
}

function vulnerability(id: string): ExploitableVulnerability {
  return {
    id,
    severity: 'critical',
    cvssV3: 9.8,
    epss: 0.5,
    exposedMachines: 3,
    publicExploit: true,
    exploitVerified: false,
    exploitInKit: false,
    partialException: false,
    firstDetected: undefined
  }
}

function readings(): DefenderReadings {
  return {
    score: { score: 340, time: '2026-12-05T06:00:00Z' },
    exposure: undefined,
    recommendations: {
      active: [
        {
          id: 'sca-_-scid-2010',
          name: 'Turn on the firewall',
          category: '',
          product: '',
          configScoreImpact: 3,
          exposedMachines: 4,
          totalMachines: 9
        }
      ],
      shown: 5,
      excepted: 0,
      accepted: []
    },
    deviceGroups: {
      groups: [
        { name: 'Lab Kiosks', score: 80 },
        { name: 'Servers', score: 10 }
      ],
      missing: [],
      listed: ['Lab Kiosks', 'Servers'],
      accepted: []
    },
    vulnerabilities: {
      kind: 'read',
      severity: 'critical',
      exploitable: [vulnerability('CVE-2024-38063'), vulnerability('CVE-2024-21413')],
      underException: [],
      accepted: []
    },
    devices: undefined
  }
}

describe('accepted-risks file', () => {
  it('reads each entry: the item or device group, its reason, owner, expiry and tenant', () => {
    const [first, second] = parse([ENTRY, { ...ENTRY, id: 'device-group:Lab Kiosks', tenant: 'fabrikam' }])
    assert.deepEqual(first, { entry: 1, ...ENTRY, kind: 'item', name: 'CVE-2024-38063', tenant: undefined, tenantLabel: undefined })
    assert.equal(second?.kind, 'device group')
    assert.equal(second?.name, 'Lab Kiosks')
    assert.equal(second?.tenant, '22222222-2222-2222-2222-222222222222', 'a label names its tenant, case-insensitively')
    assert.deepEqual(parse(''), [], 'an empty file accepts nothing')
  })

  it('refuses a file that cannot be used, naming the entry and the fix', () => {
    const cases: Array<[unknown, RegExp]> = [
      ['- id: [unclosed', /is not valid YAML \(line \d+, column \d+\).*Expected a list of entries/],
      [{ id: 'CVE-2024-38063' }, /the file is not a list of entries/],
      [
        [{ ...ENTRY, expiry: '2027-01-01' }],
        /entry 1 \("CVE-2024-38063"\) has the unknown key "expiry"\. Expected only id, reason, owner, expires, tenant\./
      ],
      [[{ ...ENTRY, reason: ' ' }], /entry 1 \("CVE-2024-38063"\) has no reason\./],
      [[{ ...ENTRY, owner: undefined }], /entry 1 \("CVE-2024-38063"\) has no owner\./],
      [[{ ...ENTRY, expires: undefined }], /expires undefined is not a date\. Expected YYYY-MM-DD/],
      [[{ ...ENTRY, expires: '2027-02-30' }], /expires "2027-02-30" is not a date/],
      [[{ ...ENTRY, expires: '31/03/2027' }], /expires "31\/03\/2027" is not a date/],
      [
        [{ ...ENTRY, expires: '2028-01-01' }],
        /expires 2028-01-01 is more than accepted-risks-max-days \(365\) after today \(2026-12-05\)\. Expected a date by 2027-12-05/
      ],
      [[ENTRY, { ...ENTRY, id: 'cve-2024-38063' }], /entries 1 and 2 both accept "cve-2024-38063"/],
      [[{ ...ENTRY, tenant: 'Contoso' }, ENTRY], /entries 1 and 2 both accept/],
      [
        [{ ...ENTRY, tenant: 'Northwind' }],
        /tenant "Northwind" is not a tenant of this run\. Expected a label or an ID from tenant-id \("Contoso", "Fabrikam"\)/
      ],
      [[{ ...ENTRY, id: undefined }], /entry 1 has no id/],
      [[{ ...ENTRY, id: 'CVE 2024 <b>' }], /id "CVE 2024 <b>" is not an ID/],
      [[{ ...ENTRY, id: 'device-group:' }], /names no device group/],
      [['just text'], /entry 1 is not a mapping of keys/]
    ]
    for (const [entries, expected] of cases) {
      const message = refusal(entries)
      assert.match(message, /^accepted-risks \(\.github\/accepted-risks\.yml on main at 1a2b3c4\): /, message)
      assert.match(message, expected)
    }
  })

  it('refuses to accept a score: min-score, max-drop, max-exposure-score and coverage are numbers Microsoft computes', () => {
    for (const id of ['min-score', 'max-drop', 'max-exposure-score', 'min-active-devices-percent', 'score', 'exposure-score']) {
      assert.match(refusal([{ ...ENTRY, id }]), /Scores are not acceptable: .*Change the limit in the workflow instead/)
    }
  })

  it(`holds at most ${MAX_ENTRIES} entries and 1 MiB, and refuses an alias bomb`, () => {
    const many = Array.from({ length: MAX_ENTRIES + 1 }, (_, index) => ({ ...ENTRY, id: `CVE-2024-${10000 + index}` }))
    assert.match(refusal(many), /has 1001 entries, more than the 1000 allowed/)
    assert.equal(parse(many.slice(0, MAX_ENTRIES)).length, MAX_ENTRIES)
    assert.match(refusal(`# ${'x'.repeat(MAX_FILE_BYTES)}\n`), /more than the 1048576 \(1 MiB\) allowed/)
    // Ten levels of nine aliases each: a billion items if expanded.
    const levels = Array.from({ length: 9 }, (_, index) => {
      const [previous, next] = [String.fromCharCode(97 + index), String.fromCharCode(98 + index)]
      return `- &${next} [${Array(9).fill(`*${previous}`).join(', ')}]`
    })
    const bomb = ['- &a [x, x, x, x, x, x, x, x, x]', ...levels].join('\n')
    assert.match(refusal(bomb), /it cannot be read: Excessive alias count/)
  })
})

describe('accepting risks', () => {
  const file = (risks: unknown[], today = '2026-12-05'): AcceptedRisks => ({ where: 'here', risks: parse(risks), today, warnDays: 14 })
  const tenant = { id: 'contoso.onmicrosoft.com', limits: { 'max-exploitable-vulnerabilities': 0, 'max-device-group-exposure-score': 50 } }

  it('leaves an accepted item out of what the checks see, and says which check it was left out of', () => {
    const {
      readings: accepted,
      items,
      matched
    } = acceptRisks(file([ENTRY, { ...ENTRY, id: 'device-group:lab kiosks' }, { ...ENTRY, id: 'sca-_-scid-2010' }]), tenant, readings())
    assert.equal(
      accepted.vulnerabilities?.kind === 'read' && accepted.vulnerabilities.exploitable.map(item => item.id).join(),
      'CVE-2024-21413'
    )
    assert.equal(
      accepted.vulnerabilities?.kind === 'read' && accepted.vulnerabilities.accepted.map(item => item.id).join(),
      'CVE-2024-38063'
    )
    assert.deepEqual(
      accepted.deviceGroups?.groups.map(group => group.name),
      ['Servers']
    )
    assert.deepEqual(
      accepted.deviceGroups?.accepted.map(group => group.name),
      ['Lab Kiosks']
    )
    assert.deepEqual(
      [accepted.recommendations?.active.length, accepted.recommendations?.accepted.map(item => item.id)],
      [0, ['sca-_-scid-2010']]
    )
    assert.deepEqual(
      items.map(item => [item.item, item.leftOutOf.join(), item.expired]),
      [
        ['CVE-2024-38063', 'max-exploitable-vulnerabilities', false],
        ['sca-_-scid-2010', 'the top recommendations', false],
        ['Lab Kiosks', 'max-device-group-exposure-score', false]
      ]
    )
    assert.deepEqual([...matched].sort(), [1, 2, 3])
  })

  it('counts an item again once its entry has expired, and applies an entry only to its tenant', () => {
    const expired = acceptRisks(file([{ ...ENTRY, expires: '2026-12-04' }]), tenant, readings())
    assert.equal(expired.readings.vulnerabilities?.kind === 'read' && expired.readings.vulnerabilities.exploitable.length, 2)
    assert.deepEqual(
      expired.items.map(item => item.expired),
      [true]
    )
    const lastDay = acceptRisks(file([{ ...ENTRY, expires: '2026-12-05' }]), tenant, readings())
    assert.equal(
      lastDay.readings.vulnerabilities?.kind === 'read' && lastDay.readings.vulnerabilities.exploitable.length,
      1,
      'applies on its expiry day'
    )
    const other = acceptRisks(file([{ ...ENTRY, tenant: 'Fabrikam' }]), tenant, readings())
    assert.equal(other.items.length, 0)
  })

  it('warns of expired entries and those about to expire, and gives a notice for each entry nothing matched', () => {
    const risks = file([
      { ...ENTRY, expires: '2026-12-01' },
      { ...ENTRY, id: 'CVE-2024-1', expires: '2026-12-19' },
      { ...ENTRY, id: 'CVE-2024-2', expires: '2026-12-20' }
    ])
    const { warnings, notices, unused } = acceptanceNotes(risks, new Set([1, 2]))
    assert.deepEqual(warnings, [
      'accepted-risks entry 1 ("CVE-2024-38063"): accepted by "secops@contoso.com" until 2026-12-01, expired; the item counts again. Fix it, renew the entry with a new date, or remove it.',
      'accepted-risks entry 2 ("CVE-2024-1"): accepted by "secops@contoso.com" until 2026-12-19, expires in 14 days (accepted-risks-warn-days 14). Fix it, or renew the entry.'
    ])
    assert.deepEqual(
      unused.map(risk => risk.entry),
      [3]
    )
    assert.match(notices[0] ?? '', /^accepted-risks entry 3 \("CVE-2024-2"\) matched nothing in this run/)
  })
})
