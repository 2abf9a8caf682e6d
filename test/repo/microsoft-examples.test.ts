/**
 * Microsoft's own example answers (kept in test/fixtures/microsoft/ with each page's address) as the
 * judge: the action's parsers accept them, and the simulator answers only in their shapes, field by
 * field, so that a double cannot drift from what the API documents.
 */
import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { DEVICE_GROUPS_PATH, parseDeviceGroups } from '../../src/sources/device-groups/answers.js'
import { EXPOSURE_PATH } from '../../src/sources/exposure/source.js'
import { parseRecommendations, RECOMMENDATIONS_PATH, topRecommendations } from '../../src/sources/recommendations/answers.js'
import { parseScoreResponse } from '../../src/defender/answers.js'
import { SCORE_PATH } from '../../src/sources/score/source.js'
import { VULNERABILITIES_PATH, vulnerabilityPageReader } from '../../src/sources/vulnerabilities/answers.js'
import { CoverageTally, DEVICES_PATH } from '../../src/sources/devices/answers.js'
import { ROOT, withSim } from '../support/harness.js'

interface Fixture {
  source: string
  path: string
  /** Properties Microsoft's page documents that its example leaves out. */
  documentedNotInExample?: string[]
  /** Properties real answers carry (seen in published integrations) that the page neither documents nor shows. */
  seenInAnswers?: string[]
  example: Record<string, unknown>
}

const FIXTURES = join(ROOT, 'test', 'fixtures', 'microsoft')

async function fixtures(): Promise<Fixture[]> {
  const files = (await readdir(FIXTURES)).filter(file => file.endsWith('.json'))
  return Promise.all(files.map(async file => JSON.parse(await readFile(join(FIXTURES, file), 'utf8')) as Fixture))
}

const answer = (value: unknown) => ({ status: 200, headers: {}, body: JSON.stringify(value) })

/** The JSON type of a value, as a schema would name it. */
function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value
}

/** Each field of `actual` exists in `expected` with the same type (a subset may be answered, never another shape). */
function assertSameShape(actual: Record<string, unknown>, expected: Record<string, unknown>, allowed: string[], where: string): void {
  for (const [key, value] of Object.entries(actual)) {
    if (allowed.includes(key)) continue
    assert.ok(key in expected, `${where}: the simulator answers '${key}', which Microsoft's example does not have`)
    if (key !== '@odata.context') {
      assert.equal(typeOf(value), typeOf(expected[key]), `${where}: '${key}' is ${typeOf(value)}, Microsoft's is ${typeOf(expected[key])}`)
    }
  }
}

describe("Microsoft's example answers", () => {
  it('are kept for every endpoint the action reads, each with its page', async () => {
    const kept = await fixtures()
    assert.deepEqual(
      kept.map(fixture => fixture.path).sort(),
      [SCORE_PATH, EXPOSURE_PATH, DEVICE_GROUPS_PATH, RECOMMENDATIONS_PATH, VULNERABILITIES_PATH, DEVICES_PATH].sort()
    )
    for (const fixture of kept) assert.match(fixture.source, /^https:\/\/learn\.microsoft\.com\/defender-endpoint\/api\//)
  })

  it("are read by the action's parsers as Microsoft means them", async () => {
    const byPath = new Map((await fixtures()).map(fixture => [fixture.path, fixture.example]))
    assert.deepEqual(parseScoreResponse(answer(byPath.get(SCORE_PATH)), SCORE_PATH), { score: 340, time: '2019-12-03T09:15:58.1665846Z' })
    assert.equal(parseScoreResponse(answer(byPath.get(EXPOSURE_PATH)), EXPOSURE_PATH).score, 33.491554051195706)
    assert.deepEqual(
      parseDeviceGroups(answer(byPath.get(DEVICE_GROUPS_PATH)), { all: true }).groups.map(group => group.name),
      ['GroupOne', 'GroupTwo']
    )
    assert.deepEqual(topRecommendations(parseRecommendations(answer(byPath.get(RECOMMENDATIONS_PATH)), 5)), [
      {
        id: 'va-_-microsoft-_-windows_10',
        name: 'Update Windows 10',
        category: 'Application',
        product: 'windows_10',
        configScoreImpact: 0,
        exposedMachines: 7,
        totalMachines: 37
      }
    ])
    const reader = vulnerabilityPageReader('low')
    reader.write(Buffer.from(JSON.stringify(byPath.get(VULNERABILITIES_PATH))))
    const page = reader.end()
    assert.equal(page.items, 1)
    assert.deepEqual(page.exploitable, [], 'on 4 devices, but with no known exploit')
    const tally = new CoverageTally({ staleAfterDays: 7, asOf: Date.parse('2018-08-03T00:00:00Z') })
    const devices = tally.reader()
    // Microsoft's example leaves out onboardingStatus, which the action needs: it is refused as given, and read with it.
    assert.throws(() => {
      devices.write(Buffer.from(JSON.stringify(byPath.get(DEVICES_PATH))))
      devices.end()
    }, /no ID, health status or onboarding status as text/)
    const withStatus = tally.reader()
    const example = byPath.get(DEVICES_PATH) as { value: Array<Record<string, unknown>> }
    withStatus.write(
      Buffer.from(JSON.stringify({ ...example, value: example.value.map(item => ({ ...item, onboardingStatus: 'Onboarded' })) }))
    )
    tally.add(withStatus.end().devices)
    assert.deepEqual([tally.result().onboarded, tally.result().active, tally.result().staleCount], [1, 1, 0])
  })

  it('are the only shapes the simulator answers in, field by field', () =>
    withSim(async sim => {
      const token = sim.issueAccessToken()
      for (const fixture of await fixtures()) {
        const response = await fetch(`${sim.apiUrl}${fixture.path}`, { headers: { Authorization: `Bearer ${token}` } })
        assert.equal(response.status, 200, fixture.path)
        const body = (await response.json()) as Record<string, unknown>
        const allowed = [...(fixture.documentedNotInExample ?? []), ...(fixture.seenInAnswers ?? [])]
        assertSameShape(body, fixture.example, [], `${fixture.path} envelope`)
        const expectedItems = fixture.example['value']
        if (Array.isArray(expectedItems)) {
          const expectedItem = Object.assign({}, ...(expectedItems as Array<Record<string, unknown>>)) as Record<string, unknown>
          const items = body['value'] as Array<Record<string, unknown>>
          assert.ok(items.length > 0, `${fixture.path} answers items`)
          for (const item of items) assertSameShape(item, expectedItem, allowed, `${fixture.path} item`)
        }
      }
    }))
})
