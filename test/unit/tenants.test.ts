/** tenant-id's lines, and reading tenants a bounded number at a time. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigurationError } from '../../src/errors.js'
import { parseTenants, splitTenantLines } from '../../src/config/tenants.js'
import { mapBounded } from '../../src/tenants/pool.js'

const NONE = {}
const valid = (id: string) => /^[a-z0-9.-]+$/i.test(id)
const number = (name: string, text: string) => {
  if (!/^\d+(\.\d+)?$/.test(text)) throw new ConfigurationError(`Invalid ${name} '${text}'.`)
  return Number(text)
}

describe('tenant-id lines', () => {
  it('splits at line breaks and at commas outside quotes; a quoted name keeps its spaces and commas', () => {
    const lines = splitTenantLines('a.com name="Contoso, Ltd" min-score=450\r\n\n b.com , c.com name=Fabrikam')
    assert.deepEqual(
      lines.map(line => [line.id, Object.fromEntries(line.settings)]),
      [
        ['a.com', { name: 'Contoso, Ltd', 'min-score': '450' }],
        ['b.com', {}],
        ['c.com', { name: 'Fabrikam' }]
      ]
    )
  })

  it('gives each tenant its label and its limits over the inputs', () => {
    const tenants = parseTenants('a.com name="Contoso Ltd" max-drop=5\nb.com', { ...NONE, 'min-score': 400 }, valid, number)
    assert.deepEqual(tenants, [
      { id: 'a.com', label: 'Contoso Ltd', limits: { ...NONE, 'min-score': 400, 'max-drop': 5 } },
      { id: 'b.com', label: 'b.com', limits: { ...NONE, 'min-score': 400 } }
    ])
  })

  it('refuses, naming the line: an unknown key, a bad value, an open quote, a repeated tenant or name, a bad tenant', () => {
    const cases: Array<[string, RegExp]> = [
      ['a.com colour=red', /^Invalid tenant-id line 1 'a\.com colour=red': unknown setting 'colour'/],
      ['a.com\nb.com min-score=x', /^Invalid tenant-id line 2 'b\.com min-score=x': Invalid min-score 'x'\.$/],
      ['a.com name="Contoso', /^Invalid tenant-id line 1 .*: the value of name has no closing double quote\.$/],
      ['a.com\nA.com', /^Invalid tenant-id line 2 'A\.com': the tenant is already on line 1/],
      ['a.com name=X\nb.com name=x', /^Invalid tenant-id line 2 'b\.com name=x': the label 'x' is already used on line 1/],
      ['a.com name=X name=Y', /name is set twice/],
      ['a.com stray', /'stray' is not a key=value setting/],
      ['not_a_tenant! name=x', /'not_a_tenant!' is not a tenant/],
      ['a.com name=X\nb.com name=x\u200b', /label 'x\u200b' is already used on line 1/],
      ['a.com name=Caf\u00e9\nb.com name=Cafe\u0301', /label 'Cafe\u0301' is already used on line 1/],
      ['a.com name=b.com\nb.com', /^Invalid tenant-id line 1 .*the label 'b\.com' is the tenant on line 2/],
      ['a.com name=First\nb.com name=A.COM', /^Invalid tenant-id line 2 .*the label 'A\.COM' is the tenant on line 1/]
    ]
    for (const [value, message] of cases) {
      assert.throws(
        () => parseTenants(value, NONE, valid, number),
        (error: unknown) => error instanceof ConfigurationError && message.test(error.message),
        value
      )
    }
  })
})

describe('bounded concurrency', () => {
  it('keeps at most the limit under way, and the results in order', async () => {
    let running = 0
    let most = 0
    const results = await mapBounded(
      Array.from({ length: 25 }, (_, index) => index),
      4,
      async index => {
        running++
        most = Math.max(most, running)
        await new Promise(resolve => setImmediate(resolve))
        running--
        return index * 2
      }
    )
    assert.equal(most, 4)
    assert.deepEqual(
      results,
      Array.from({ length: 25 }, (_, index) => index * 2)
    )
  })
})

describe('a tenant-id line cannot switch a gate off', () => {
  it('refuses an empty limit in a tenant-id line, quoted or not, naming the line and the key', () => {
    for (const value of [
      'a.com min-score=\nb.com',
      'a.com min-score=""',
      'a.com max-exploitable-vulnerabilities= name=A',
      'a.com max-drop=" "'
    ]) {
      assert.throws(
        () => parseTenants(value, { ...NONE, 'min-score': 400 }, valid, number),
        (error: unknown) =>
          error instanceof ConfigurationError &&
          /^Invalid tenant-id line 1 'a\.com[^']*': (min-score|max-exploitable-vulnerabilities|max-drop) is empty/.test(error.message),
        value
      )
    }
  })
})
