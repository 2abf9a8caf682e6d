/** What the Defender API answers, and what it means. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { describeApiFailure } from '../../src/defender/api.js'
import { groupNameKey, parseDeviceGroups } from '../../src/sources/device-groups/answers.js'
import { parseRecommendations, topRecommendations } from '../../src/sources/recommendations/answers.js'
import { parseScoreResponse } from '../../src/defender/answers.js'

describe('Defender responses', () => {
  const ok = (body: string) => ({ status: 200, headers: { 'content-type': 'application/json' }, body })

  it('accepts the documented object', () => {
    assert.deepEqual(
      parseScoreResponse(ok('{"@odata.context":"x","time":"2019-12-03T09:15:58.1665846Z","score":340}'), '/api/configurationScore'),
      {
        score: 340,
        time: '2019-12-03T09:15:58.1665846Z'
      }
    )
  })

  it('refuses anything else as a ServiceError', () => {
    for (const body of [
      '',
      'null',
      '"340"',
      '{}',
      '{"score":NaN}',
      '{"score":1e999,"time":"2019-12-03T09:15:58Z"}',
      '{"score":340}',
      '{"score":340,"time":5}'
    ]) {
      assert.throws(
        () => parseScoreResponse(ok(body), '/api/exposureScore'),
        { name: 'ServiceError', message: /GET \/api\/exposureScore/ },
        body
      )
    }
  })

  it('reads recommendations leniently and ranks them by score impact', () => {
    const body = JSON.stringify({
      value: [
        { recommendationName: 'Low', configScoreImpact: 1, recommendationCategory: 'Accounts' },
        { recommendationName: 'High', configScoreImpact: 9, exposedMachinesCount: 3, totalMachineCount: 10 },
        { configScoreImpact: 99 },
        'junk',
        { recommendationName: 'No impact' }
      ]
    })
    const recommendations = parseRecommendations(ok(body), 10)
    const { excepted } = recommendations
    assert.deepEqual(
      topRecommendations(recommendations).map(item => [item.name, item.configScoreImpact]),
      [
        ['High', 9],
        ['Low', 1],
        ['No impact', 0]
      ]
    )
    assert.equal(excepted, 0)
    assert.deepEqual(
      topRecommendations({ ...recommendations, shown: 2 }).map(item => item.name),
      ['High', 'Low']
    )
    assert.throws(() => parseRecommendations(ok('{"items":[]}'), 5), /not with the documented \{ "value": \[\.\.\.\] \} collection/)
  })

  it('leaves out recommendations the security team excepted, and counts them', () => {
    const body = JSON.stringify({
      value: [
        { recommendationName: 'Excepted', configScoreImpact: 50, status: 'Exception' },
        { recommendationName: 'Active', configScoreImpact: 1, status: 'Active' },
        { recommendationName: 'No status', configScoreImpact: 2 }
      ]
    })
    const recommendations = parseRecommendations(ok(body), 5)
    const { excepted } = recommendations
    assert.deepEqual(
      topRecommendations(recommendations).map(item => item.name),
      ['No status', 'Active']
    )
    assert.equal(excepted, 1)
  })

  it('reads device groups, keeping those asked for (case-insensitively) and naming the missing ones', () => {
    const body = JSON.stringify({
      value: [
        { time: '2019-12-03T09:51:28.214338Z', score: 41.4, rbacGroupName: 'GroupOne' },
        { score: 80, rbacGroupName: 'Kiosks' }
      ]
    })
    assert.deepEqual(parseDeviceGroups(ok(body), { all: true }).groups, [
      { name: 'GroupOne', score: 41.4 },
      { name: 'Kiosks', score: 80 }
    ])
    const some = parseDeviceGroups(ok(body), { all: false, names: ['groupone', 'Nowhere'] })
    assert.deepEqual(some, {
      groups: [{ name: 'GroupOne', score: 41.4 }],
      missing: ['Nowhere'],
      listed: ['GroupOne', 'Kiosks'],
      accepted: []
    })
    for (const bad of [
      '{"value":[{"score":1}]}',
      '{"value":[{"rbacGroupName":"a","score":"1"}]}',
      '{"value":[{"rbacGroupName":"a","score":-1}]}',
      '[]'
    ]) {
      assert.throws(() => parseDeviceGroups(ok(bad), { all: true }), { name: 'ServiceError' }, bad)
    }
  })

  it('describes API errors with code, message, request id and a hint', () => {
    const body = JSON.stringify({ error: { code: 'DisabledFeature', message: 'Feature off', target: 'abc' } })
    assert.equal(
      describeApiFailure('/api/x', { status: 403, headers: {}, body }, 'Score.Read.All'),
      'The Defender API refused GET /api/x (HTTP 403, DisabledFeature: Feature off (request id abc)).\n' +
        'Fix: a feature this endpoint needs is not enabled in the tenant: turn it on in the Microsoft Defender portal settings.'
    )
    assert.match(
      describeApiFailure('/api/x', { status: 502, headers: { 'content-type': 'text/plain' }, body: 'oops' }, 'P'),
      /HTTP 502, text\/plain, 4 bytes, not JSON\)/
    )
  })
})

describe('device group names', () => {
  it('compare after NFC and case folding', () => {
    assert.equal(groupNameKey('Cafe\u0301 KIOSKS'), groupNameKey('Caf\u00e9 kiosks'))
    assert.equal(groupNameKey('STRASSE'), groupNameKey('Stra\u00dfe'))
    assert.equal(groupNameKey('ΟΔΟΣ'), groupNameKey('οδος'))
    assert.notEqual(groupNameKey('Kiosks'), groupNameKey('Kiosks (renamed)'))
  })
})
