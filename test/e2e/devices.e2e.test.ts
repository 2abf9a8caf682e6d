/**
 * Coverage, end to end: the devices that still report, read page by page alongside the score; the
 * gate on the share of active onboarded devices and on their fall since the previous reading (fail
 * closed); a missing permission; hostile answers; what the summary, the outputs, report-json and the
 * history show.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEVICES_PATH } from '../../src/sources/devices/answers.js'
import { machineItem, type Simulator } from '../sim/simulator.js'
import { annotations, branchLines, onlyError, reportOf, runSwept, scheduledRun, secretInputs, withSim } from '../support/harness.js'

const run = (sim: Simulator, inputs: Record<string, string>) =>
  runSwept(sim, { inputs: { ...secretInputs(sim), recommendations: '0', ...inputs } })

/** `active` active onboarded devices and `silent` inactive ones last seen 40 days ago. */
function fleet(active: number, silent: number): unknown[] {
  const longAgo = new Date(Date.now() - 40 * 24 * 60 * 60 * 1000).toISOString()
  return [
    ...Array.from({ length: active }, (_, index) => machineItem(`active-${index}`)),
    ...Array.from({ length: silent }, (_, index) => machineItem(`silent-${index}`, { healthStatus: 'Inactive', lastSeen: longAgo }))
  ]
}

describe('coverage', () => {
  it('shows coverage when asked: active of onboarded, counts by health status, devices that can be onboarded, stale devices longest silent first; outputs and report-json', () =>
    withSim(async sim => {
      const result = await run(sim, { devices: 'true', 'min-score': '300' })
      assert.equal(result.exitCode, 0, result.stdout)
      assert.match(result.summary, /### Coverage\n\n3 of 4 onboarded devices active \(75%\)\. 1 discovered device can be onboarded\./)
      assert.match(result.summary, /\| Inactive \| 1 \|/)
      assert.match(result.summary, /\*\*1 stale device\*\* \(no full report for 7 days or more\)/)
      assert.match(result.summary, /\| kiosk-007\.contoso\.com \| .* \| Inactive \| Windows11 \| Kiosks \|/)
      assert.match(result.summary, /Microsoft leaves devices that have not been active for 30 days out of the device secure score/)
      assert.equal(result.outputs['active-devices'], '3')
      assert.equal(result.outputs['active-devices-percent'], '75')
      const devices = reportOf(result).devices
      assert.deepEqual(
        [devices?.onboarded, devices?.active, devices?.activePercent, devices?.canBeOnboarded, devices?.staleCount],
        [4, 3, 75, 1, 1]
      )
      assert.deepEqual(devices?.byHealthStatus, { Active: 3, Inactive: 1 })
      assert.equal(devices?.stale[0]?.name, 'kiosk-007.contoso.com')
    }))

  it('makes no request for devices when neither asked for nor gated, and leaves the outputs empty', () =>
    withSim(async sim => {
      const result = await run(sim, { 'min-score': '300' })
      assert.equal(result.exitCode, 0)
      assert.equal(sim.requestsTo('api', DEVICES_PATH).length, 0)
      assert.equal(result.outputs['active-devices'], '')
      assert.doesNotMatch(result.summary, /Coverage/)
    }))

  it('min-active-devices-percent fails below the share of active onboarded devices and passes at it', () =>
    withSim(async sim => {
      sim.defender.devices = fleet(90, 10)
      assert.equal((await run(sim, { 'min-active-devices-percent': '90' })).exitCode, 0)
      const failed = await run(sim, { 'min-active-devices-percent': '95' })
      assert.equal(failed.exitCode, 1)
      assert.equal(onlyError(failed), '90 of 100 onboarded devices active (90%): below the threshold min-active-devices-percent 95.')
      assert.equal(failed.outputs['passed'], 'false')
    }))

  it('no onboarded device with a coverage limit could not be evaluated, and fails: 0 of 0 is not 100%', () =>
    withSim(async sim => {
      sim.defender.devices = [machineItem('printer', { onboardingStatus: 'CanBeOnboarded' })]
      const result = await run(sim, { 'min-active-devices-percent': '50' })
      assert.equal(result.exitCode, 1)
      assert.match(onlyError(result), /^Active devices \(min-active-devices-percent\) could not be evaluated: no onboarded device listed/)
      assert.equal(result.outputs['active-devices-percent'], '')
    }))

  describe('without Machine.Read.All (403)', () => {
    const withoutPermission = (sim: Simulator) => {
      sim.entra.app.roles = sim.entra.app.roles.filter(role => role !== 'Machine.Read.All')
    }

    it('with a coverage limit: could not be evaluated, naming the permission, and fails', () =>
      withSim(async sim => {
        withoutPermission(sim)
        const result = await run(sim, { 'min-active-devices-percent': '90' })
        assert.equal(result.exitCode, 1)
        assert.match(
          onlyError(result),
          /^Active devices \(min-active-devices-percent\) could not be evaluated: The Defender API refused GET \/api\/machines \(HTTP 403.*Machine\.Read\.All/
        )
        assert.match(String(reportOf(result).devices?.error), /HTTP 403/)
      }))

    it('without one: a warning naming the permission, and the run goes on', () =>
      withSim(async sim => {
        withoutPermission(sim)
        const result = await run(sim, { devices: 'true', 'min-score': '300' })
        assert.equal(result.exitCode, 0)
        assert.match(
          annotations(result, 'warning').join('\n'),
          /^Device coverage skipped: The Defender API refused GET \/api\/machines \(HTTP 403.*Machine\.Read\.All/m
        )
        assert.equal(result.outputs['passed'], 'true')
      }))
  })

  it('an unknown health status counts as not active and is shown by its value; a device without a string ID or status is refused, and the check fails closed', () =>
    withSim(async sim => {
      sim.defender.devices = [machineItem('a'), machineItem('b', { healthStatus: 'Quarantined' })]
      const unknown = await run(sim, { 'min-active-devices-percent': '60' })
      assert.equal(unknown.exitCode, 1)
      assert.match(onlyError(unknown), /^1 of 2 onboarded devices active \(50%\)/)
      assert.match(unknown.summary, /\| Quarantined \| 1 \|/)
      for (const hostile of [{ id: 7 }, { healthStatus: true }, { onboardingStatus: null }]) {
        sim.defender.devices = [machineItem('a'), machineItem('b', hostile)]
        const refused = await run(sim, { 'min-active-devices-percent': '10' })
        assert.equal(refused.exitCode, 1, JSON.stringify(hostile))
        assert.match(onlyError(refused), /could not be evaluated: .*no ID, health status or onboarding status as text/)
      }
    }))

  it('device names, groups and platforms from the API are inert in the summary', () =>
    withSim(async sim => {
      const longAgo = new Date(Date.now() - 40 * 24 * 60 * 60 * 1000).toISOString()
      sim.defender.devices = [
        machineItem('x', {
          computerDnsName: '@octo-org/admins [pwn](https://evil.example)',
          lastSeen: longAgo,
          rbacGroupName: '<img src=x>',
          osPlatform: '#1 |'
        })
      ]
      const result = await run(sim, { devices: 'true' })
      assert.equal(result.exitCode, 0)
      assert.doesNotMatch(result.summary, /@octo-org|(?<!\\)\[pwn\]\(|(?<!\\)<img|(?<!\\)#1 \|/)
      assert.match(result.summary, /@\u200bocto-org\/admins \\\[pwn\\\]\\\(https:\u200b\/\/evil\.example\\\)/)
    }))

  it('pages through @odata.nextLink at the server’s own size, counting each device once', () =>
    withSim(async sim => {
      sim.defender.devices = [...fleet(5, 2), machineItem('active-0')]
      sim.defender.machinesServerPageSize = 3
      const result = await run(sim, { devices: 'true' })
      assert.equal(result.exitCode, 0, result.stdout)
      assert.equal(sim.requestsTo('api', DEVICES_PATH).length, 3)
      assert.deepEqual([reportOf(result).devices?.onboarded, reportOf(result).devices?.active], [7, 5])
    }))

  it('max-active-devices-drop-percent: first reading passes with a note, a larger fall fails; the history keeps counts, never devices', () =>
    withSim(async sim => {
      const inputs = { 'history-branch': 'secure-score-history', 'max-active-devices-drop-percent': '10' }
      sim.defender.devices = fleet(100, 0)
      const first = await scheduledRun(sim, inputs)
      assert.equal(first.exitCode, 0, first.stdout)
      assert.match(first.summary, /the history holds no earlier reading of this tenant that counted its devices/)
      sim.defender.devices = fleet(80, 20)
      const second = await scheduledRun(sim, inputs)
      assert.equal(second.exitCode, 1)
      assert.match(
        onlyError(second),
        /^Active devices fell by 20%, more than max-active-devices-drop-percent 10: from 100 at .* to 80 now\.$/
      )
      const lines = branchLines(sim)
      assert.deepEqual(
        lines.map(line => line['devices']),
        [
          { onboarded: 100, active: 100 },
          { onboarded: 100, active: 80 }
        ]
      )
      assert.doesNotMatch(JSON.stringify(lines), /active-0|contoso\.com/)
    }))

  it('max-active-devices-drop-percent without a history store is a configuration error, before any request', () =>
    withSim(async sim => {
      const result = await run(sim, { 'max-active-devices-drop-percent': '10' })
      assert.equal(result.exitCode, 1)
      assert.match(onlyError(result), /^max-active-devices-drop-percent '10' needs a history to compare with/)
      assert.equal(sim.requests.length, 0)
    }))

  it('a tenant-id line sets a coverage limit and stale-after-days for its tenant, and the tenants table gains an Active devices column', () =>
    withSim(async sim => {
      const fabrikam = sim.addTenant('11111111-2222-3333-4444-555555555555', 'fabrikam.onmicrosoft.com', 420, { devices: fleet(5, 5) })
      const result = await run(sim, {
        'tenant-id': `${sim.tenantId} name=Contoso stale-after-days=60\n${fabrikam.id} name=Fabrikam min-active-devices-percent=80`,
        devices: 'true'
      })
      assert.equal(result.exitCode, 1)
      assert.match(
        onlyError(result),
        /^\[Fabrikam\] 5 of 10 onboarded devices active \(50%\): below the threshold min-active-devices-percent 80\.$/
      )
      assert.match(result.summary, /\| Tenant \| Score \| Change \| Exposure \| Active devices \| Verdict \|/)
      assert.equal(
        result.summary.split('Microsoft leaves devices that have not been active for 30 days').length - 1,
        1,
        'the caveat is said once'
      )
      assert.match(result.summary, /\| Fabrikam \| 420 \| +\| +\| 5 of 10 \(50%\) \| ❌ failed: 50 < 80 \(min-active-devices-percent\) \|/)
      const [contoso, other] = reportOf(result).tenants
      assert.deepEqual(
        [contoso?.devices?.staleAfterDays, contoso?.devices?.staleCount, other?.devices?.staleAfterDays, other?.devices?.staleCount],
        [60, 0, 7, 5],
        "stale-after-days=60 on Contoso's line: its device silent for 40 days is not stale there"
      )
    }))
})
