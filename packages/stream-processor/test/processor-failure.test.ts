import { PGlite } from '@electric-sql/pglite'
import {
  BusError,
  createEmbeddedBus,
  createKafkaBus,
  fromPglite,
  type Bus,
  type RunOptions,
} from '@anansi/bus'
import { EvaluatorSuite } from '@anansi/evaluator'
import { uuidv7 } from '@anansi/protocol'
import { openStore, type Store } from '@anansi/store'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serviceAddress } from '../../../tooling/test-services.js'
import { ProcessorError, startStreamProcessor, type TopicNames } from '../src/index.js'

const settled = <T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> =>
  Promise.race([promise, new Promise<'pending'>((r) => setTimeout(() => r('pending'), ms))])

function freshTopics(): TopicNames {
  const prefix = `failure-${uuidv7()}`
  return {
    events: `${prefix}.events`,
    verdicts: `${prefix}.verdicts`,
    eventsDeadLetter: `${prefix}.events.dlq`,
  }
}

describe('a processor whose consumer dies for good', () => {
  let store: Store
  let suite: EvaluatorSuite
  beforeAll(async () => {
    store = await openStore({ driver: 'pglite' })
    suite = await EvaluatorSuite.load({ tiers: ['lexical'], only: ['toxicity'] })
  })
  afterAll(async () => {
    await suite.close()
    await store.close()
  })

  /** The embedded bus, with a handle on the error channel of the consumers it creates. */
  async function busWithErrorChannel() {
    const log = await PGlite.create()
    const real = createEmbeddedBus({ client: fromPglite(log), pollIntervalMs: 20 })
    const channels: NonNullable<RunOptions['onError']>[] = []
    const bus: Bus = {
      kind: real.kind,
      admin: real.admin,
      createProducer: () => real.createProducer(),
      createConsumer: (options) => {
        const consumer = real.createConsumer(options)
        return {
          run: (run) => {
            if (run.onError !== undefined) channels.push(run.onError)
            return consumer.run(run)
          },
          assignment: () => consumer.assignment(),
          stop: () => consumer.stop(),
        }
      },
      close: async () => {
        await real.close()
        await log.close()
      },
    }
    return { bus, channels }
  }

  it('settles `failed` with a consumer_failed error when the crash is final, not when kafkajs restarts', async () => {
    const { bus, channels } = await busWithErrorChannel()
    const reported: unknown[] = []
    const processor = await startStreamProcessor({
      store,
      bus,
      suite,
      topics: freshTopics(),
      webhooks: false,
      report: (error) => reported.push(error),
    })
    try {
      expect(channels).toHaveLength(1)
      const crash = (retriable: boolean) =>
        channels[0]?.(new BusError('consumer_crashed', 'consumer crashed', retriable))
      crash(true) // kafkajs restarts it by itself: nothing to do
      expect(await settled(processor.failed, 100)).toBe('pending')
      crash(false)
      const failure = await settled(processor.failed, 1_000)
      expect(failure).toBeInstanceOf(ProcessorError)
      expect(failure).toMatchObject({ code: 'consumer_failed' })
      expect(failure === 'pending' ? undefined : failure.cause).toBeInstanceOf(BusError)
      expect(reported).toHaveLength(2) // both crashes are still reported
    } finally {
      await processor.stop()
      await bus.close()
    }
  })

  const brokers = serviceAddress('KAFKA_BROKERS')
  it.skipIf(brokers === undefined)(
    'over Kafka: a consumer the broker refuses for good (session timeout below its minimum) fails the processor',
    async () => {
      const logged: string[] = []
      const keep = (message: string) => {
        logged.push(message)
      }
      const bus = createKafkaBus({
        brokers: (brokers ?? '').split(','),
        logLevel: 'error',
        logger: { debug: keep, info: keep, warn: keep, error: keep },
      })
      const processor = await startStreamProcessor({
        store,
        bus,
        suite,
        topics: freshTopics(),
        groupId: `failure-${uuidv7()}`,
        // Brokers refuse sessions under group.min.session.timeout.ms (6 s): a non-retriable error.
        sessionTimeoutMs: 1_000,
        heartbeatIntervalMs: 300,
        webhooks: false,
        report: () => undefined,
      })
      try {
        const failure = await settled(processor.failed, 20_000)
        expect(failure).toMatchObject({ code: 'consumer_failed' })
        expect(String(failure === 'pending' ? '' : failure.message)).toContain('for good')
        expect(logged.join('\n')).toContain('session timeout') // the broker's reason, as logged
      } finally {
        await processor.stop()
        await bus.close()
      }
    },
  )
})
