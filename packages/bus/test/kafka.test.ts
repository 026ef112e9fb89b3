import { describe, expect, it } from 'vitest'
import { serviceAddress } from '../../../tooling/test-services.js'
import { createKafkaBus } from '../src/index.js'
import { defineBusContract } from './bus-contract.js'
import { recordingLogger } from './helpers.js'

const brokers = serviceAddress('KAFKA_BROKERS')

describe.skipIf(brokers === undefined)('Kafka', () => {
  // Brokers' minimum session timeout is 6 s; heartbeats and fetch waits are short so members
  // notice rebalances fast (the broker script sets group.initial.rebalance.delay.ms=0).
  const consumer = { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300 }
  const open = () =>
    Promise.resolve(
      createKafkaBus({
        brokers: (brokers ?? '').split(','),
        clientId: 'anansi-bus-test',
        logger: recordingLogger(),
        maxWaitTimeMs: 100,
      }),
    )

  defineBusContract('Kafka (kafkajs)', { open, consumer })

  it('reports an unreachable broker as a retriable BusError, not a hang', async () => {
    const bus = createKafkaBus({
      brokers: ['127.0.0.1:1'],
      logger: recordingLogger(),
      connectionTimeoutMs: 300,
      sendTimeoutMs: 2_000,
    })
    const error: unknown = await bus
      .createProducer()
      .send('anything', [{ key: 'k', value: 'v' }])
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'BusError', retriable: true })
    await bus.close()
  })
})
