/** A collection read as it arrives: the same items and envelope as JSON.parse of the whole, however the bytes are cut. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { ServiceError } from '../../src/errors.js'
import { CollectionReader } from '../../src/net/json-items.js'

/** Reads `text` cut at `cuts`, in batches of `batchBytes` (1: every item on its own). */
function readInChunks(text: string, cuts: number[], batchBytes?: number): { items: unknown[]; envelope: unknown } {
  const items: unknown[] = []
  const reader = new CollectionReader(item => items.push(item), batchBytes)
  const bytes = Buffer.from(text)
  let start = 0
  for (const cut of [...cuts.map(cut => cut % (bytes.length + 1))].sort((a, b) => a - b)) {
    reader.write(bytes.subarray(start, Math.max(start, cut)))
    start = Math.max(start, cut)
  }
  reader.write(bytes.subarray(start))
  return { items, envelope: reader.end() }
}

describe('json-items', () => {
  it('gives the items of value and the envelope JSON.parse gives, for any JSON and any cuts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue(), { maxLength: 8 }),
        fc.dictionary(
          fc.string().filter(key => key !== 'value' && key !== '__proto__'),
          fc.jsonValue(),
          { maxKeys: 3 }
        ),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.constantFrom(0, 2),
        fc.constantFrom(1, 20, undefined),
        (value, others, cuts, indent, batchBytes) => {
          const document = { ...others, value }
          const text = JSON.stringify(document, null, indent)
          const { items, envelope } = readInChunks(text, cuts, batchBytes)
          assert.deepEqual(items, JSON.parse(JSON.stringify(value)))
          assert.deepEqual(envelope, JSON.parse(JSON.stringify({ ...document, value: [] })))
        }
      ),
      { numRuns: 300 }
    )
  })

  it('reads strings whose escapes fall across cuts (quotes and backslashes)', () => {
    const tricky = ['a\\"b', '\\\\', '"', 'x\\', '}],{["', 'é€😀']
    const text = JSON.stringify({ '@odata.nextLink': 'n\\"', value: tricky.map(name => ({ name, v: [name] })) })
    for (let size = 1; size <= 7; size++) {
      const cuts = Array.from({ length: Math.ceil(text.length / size) }, (_, index) => index * size)
      assert.deepEqual(readInChunks(text, cuts, size).items, JSON.parse(text).value, `cut every ${size} bytes`)
    }
  })

  it('refuses what is not JSON: a bracket that does not match, an empty item, a document cut short, bad text', () => {
    const invalid = [
      '{"value":[1}]}',
      '{"value":[1,]}',
      '{"value":[1, ]}',
      '{"value":[,1]}',
      '{"value":[1,,2]}',
      '{"value":[1',
      '{"value":[tru]}',
      '{"a" 1}'
    ]
    for (const text of invalid) {
      for (const batchBytes of [1, undefined]) {
        assert.throws(
          () => readInChunks(text, [], batchBytes),
          (error: unknown) => error instanceof ServiceError,
          `${text} in batches of ${batchBytes}`
        )
      }
    }
  })

  it('takes the items of value only, and refuses value twice', () => {
    const { items, envelope } = readInChunks('{"other":[1,2],"value":[3],"x":{"value":[4]}}', [])
    assert.deepEqual(items, [3])
    assert.deepEqual(envelope, { other: [1, 2], value: [], x: { value: [4] } })
    assert.throws(() => readInChunks('{"value":[1],"value":[2]}', []), ServiceError)
  })
})
