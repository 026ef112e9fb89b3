import { describe, expect, it } from 'vitest'
import { BusError } from '../errors.js'
import { isRebalanceError, kafkaError } from './kafka-errors.js'

/** A stand-in for a kafkajs error: same name, flags and cause chain (no kafkajs import needed). */
function kafkaJsError(
  name: string,
  fields: { retriable?: boolean; type?: string; cause?: unknown },
): Error {
  return Object.assign(new Error(`${name} happened`), { name }, fields)
}

describe('kafkaError', () => {
  it('keeps kafkajs’s retriable flag and the original error as cause', () => {
    const cause = kafkaJsError('KafkaJSConnectionError', { retriable: true })
    const error = kafkaError('send_failed', 'sending', cause)
    expect(error).toBeInstanceOf(BusError)
    expect(error).toMatchObject({ code: 'send_failed', retriable: true, cause })
    expect(error.message).toBe('sending: KafkaJSConnectionError happened')
  })

  it('looks through "retries exceeded" to the error that was retried', () => {
    const transient = kafkaJsError('KafkaJSNumberOfRetriesExceeded', {
      retriable: false,
      cause: kafkaJsError('KafkaJSRequestTimeoutError', { retriable: true }),
    })
    const fatal = kafkaJsError('KafkaJSNumberOfRetriesExceeded', {
      retriable: false,
      cause: kafkaJsError('KafkaJSProtocolError', {
        retriable: false,
        type: 'TOPIC_AUTHORIZATION_FAILED',
      }),
    })
    expect(kafkaError('send_failed', 's', transient).retriable).toBe(true)
    expect(kafkaError('send_failed', 's', fatal).retriable).toBe(false)
  })

  it('maps an unknown topic, never retries programming errors, passes BusErrors through', () => {
    const unknown = kafkaJsError('KafkaJSProtocolError', {
      retriable: true,
      type: 'UNKNOWN_TOPIC_OR_PARTITION',
    })
    expect(kafkaError('send_failed', 's', unknown).code).toBe('unknown_topic')
    expect(kafkaError('send_failed', 's', new TypeError('bug')).retriable).toBe(false)
    const own = new BusError('closed', 'closed', false)
    expect(kafkaError('send_failed', 's', own)).toBe(own)
  })

  it('recognises the protocol errors that mean "rejoin the group"', () => {
    expect(
      isRebalanceError(kafkaJsError('KafkaJSProtocolError', { type: 'REBALANCE_IN_PROGRESS' })),
    ).toBe(true)
    expect(
      isRebalanceError(kafkaJsError('KafkaJSProtocolError', { type: 'ILLEGAL_GENERATION' })),
    ).toBe(true)
    expect(isRebalanceError(kafkaJsError('KafkaJSConnectionError', {}))).toBe(false)
    expect(isRebalanceError(new Error('REBALANCE_IN_PROGRESS'))).toBe(false)
  })
})
