/** The error taxonomy: what the user must fix, and what failed elsewhere. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigurationError, failureMessage, ServiceError } from '../../src/errors.js'

describe('errors', () => {
  it('passes expected failures through and wraps the unexpected', () => {
    assert.equal(failureMessage(new ConfigurationError('fix it')), 'fix it')
    assert.equal(failureMessage(new ServiceError('down')), 'down')
    assert.match(failureMessage(new TypeError('x is undefined')), /^Unexpected error in the action: x is undefined\. Please report it/)
  })
})
