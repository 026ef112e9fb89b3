import { Kafka, logLevel } from 'kafkajs'
import type { Bus, Consumer, ConsumerOptions, Producer } from '../bus.js'
import { BusError } from '../errors.js'
import { stderrLogger, type BusLogger } from '../logger.js'
import { KafkaBusAdmin } from './kafka-admin.js'
import { KafkaBusConsumer } from './kafka-consumer.js'
import { kafkaLogCreator } from './kafka-logger.js'
import { KafkaBusProducer } from './kafka-producer.js'

/** Options of the Kafka adapter. */
export interface KafkaBusOptions {
  /** `host:port` of one or more brokers. */
  brokers: string[]
  clientId?: string
  logger?: BusLogger
  /** kafkajs lines below this level are dropped (default `warn`). */
  logLevel?: 'error' | 'warn' | 'info' | 'debug'
  /** Longest a `send` waits for acks=all before failing with `send_timeout` (default 30 s). */
  sendTimeoutMs?: number
  /** Longest a consumer's fetch waits for data (default 1 s). */
  maxWaitTimeMs?: number
  /** Replication factor of topics `ensureTopics` creates (default -1: the broker's default). */
  replicationFactor?: number
  connectionTimeoutMs?: number
  requestTimeoutMs?: number
}

/** The Kafka bus. */
export interface KafkaBus extends Bus {
  readonly kind: 'kafka'
}

const LEVELS = {
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
} as const

/**
 * The bus on Apache Kafka through kafkajs 2.2.4. kafkajs is unmaintained, so it stays behind this
 * adapter: nothing outside `src/kafka` imports it, and a maintained client can replace it here.
 * @example const bus = createKafkaBus({ brokers: ['127.0.0.1:9092'] })
 */
export function createKafkaBus(options: KafkaBusOptions): KafkaBus {
  const logger = options.logger ?? stderrLogger
  const kafka = new Kafka({
    clientId: options.clientId ?? 'anansi',
    brokers: options.brokers,
    logLevel: LEVELS[options.logLevel ?? 'warn'],
    logCreator: kafkaLogCreator(logger),
    ...(options.connectionTimeoutMs === undefined
      ? {}
      : { connectionTimeout: options.connectionTimeoutMs }),
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeout: options.requestTimeoutMs }),
  })
  const admin = new KafkaBusAdmin(kafka, options.replicationFactor ?? -1)
  const producers = new Set<KafkaBusProducer>()
  const consumers = new Set<KafkaBusConsumer>()
  let closing: Promise<void> | undefined

  const assertOpen = (): void => {
    if (closing !== undefined) throw new BusError('closed', 'the bus is closed', false)
  }

  return {
    kind: 'kafka',
    admin,
    createProducer(): Producer {
      assertOpen()
      const producer = new KafkaBusProducer(kafka, options.sendTimeoutMs ?? 30_000, logger, (p) =>
        producers.delete(p),
      )
      producers.add(producer)
      return producer
    },
    createConsumer(consumerOptions: ConsumerOptions): Consumer {
      assertOpen()
      const consumer = new KafkaBusConsumer(
        kafka,
        consumerOptions,
        { maxWaitTimeMs: options.maxWaitTimeMs ?? 1_000 },
        logger,
        (c) => consumers.delete(c),
      )
      consumers.add(consumer)
      return consumer
    },
    close() {
      closing ??= (async () => {
        await Promise.all([...consumers].map((c) => c.stop()))
        await Promise.all([...producers].map((p) => p.close()))
        await admin.close()
      })()
      return closing
    },
  }
}
