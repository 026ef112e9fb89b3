import type { Admin, Bus, Consumer, ConsumerOptions, Producer } from '../bus.js'
import { BusError } from '../errors.js'
import { stderrLogger, type BusLogger } from '../logger.js'
import type { PartitionLag, TopicSpec } from '../messages.js'
import { EmbeddedConsumer } from './embedded-consumer.js'
import { EmbeddedProducer } from './embedded-producer.js'
import { groupLag } from './lag.js'
import { TopicNotifications } from './notifications.js'
import { deleteConsumed, type RetentionOptions } from './retention.js'
import { applySchema } from './schema.js'
import type { SqlClient } from './sql-client.js'
import { withSqlError } from './sql-errors.js'
import { validateTopicSpec } from '../topic-spec.js'
import { ensureTopic, partitionCounts } from './topics.js'

/** Options of the embedded log. */
export interface EmbeddedBusOptions {
  /** The database (see `fromPglite`, `fromPostgresJs`); the bus never closes it. */
  client: SqlClient
  logger?: BusLogger
  /** Use LISTEN/NOTIFY to wake idle consumers when the client supports it (default true). */
  notifications?: boolean
  /** How often idle consumers look for messages (default 1000 ms with notifications, else 200 ms). */
  pollIntervalMs?: number
}

/** The embedded log: the `Bus` interface plus its schema and retention. */
export interface EmbeddedBus extends Bus {
  readonly kind: 'embedded'
  /** Creates the `anansi_bus` schema and tables if missing (`ensureTopics` calls it too). */
  ensureSchema(): Promise<void>
  /** Deletes messages every known group has committed past; returns how many. */
  deleteConsumed(options?: RetentionOptions): Promise<number>
}

/**
 * A durable log inside Postgres (PGlite in embedded mode, or a server), with consumer groups.
 * @example
 * const bus = createEmbeddedBus({ client: fromPglite(pglite) })
 * await bus.admin.ensureTopics([{ topic: 'anansi.events', partitions: 8 }])
 */
export function createEmbeddedBus(options: EmbeddedBusOptions): EmbeddedBus {
  const { client } = options
  const logger = options.logger ?? stderrLogger
  const notifications = new TopicNotifications(client, options.notifications ?? true, logger)
  const pollIntervalMs = options.pollIntervalMs ?? (notifications.active ? 1_000 : 200)
  const producers = new Set<EmbeddedProducer>()
  const consumers = new Set<EmbeddedConsumer>()
  const counts = new Map<string, number>()
  let schema: Promise<void> | undefined
  let closing: Promise<void> | undefined

  const ensureSchema = (): Promise<void> => {
    schema ??= withSqlError('admin_failed', 'creating the anansi_bus schema', () =>
      applySchema(client),
    ).catch((error: unknown) => {
      schema = undefined // let a later call try again
      throw error
    })
    return schema
  }

  const partitionsOf = async (topic: string): Promise<number> => {
    const cached = counts.get(topic)
    if (cached !== undefined) return cached
    const found = await withSqlError('send_failed', `looking up topic ${topic}`, () =>
      partitionCounts(client, [topic]),
    )
    const count = found.get(topic)
    if (count === undefined) {
      throw new BusError(
        'unknown_topic',
        `topic ${topic} does not exist (ensureTopics first)`,
        false,
      )
    }
    counts.set(topic, count)
    return count
  }

  const admin: Admin = {
    async ensureTopics(specs: TopicSpec[]) {
      for (const spec of specs) validateTopicSpec(spec)
      await ensureSchema()
      for (const spec of specs) {
        await withSqlError('admin_failed', `creating topic ${spec.topic}`, () =>
          ensureTopic(client, spec),
        )
      }
    },
    lag: (groupId: string, topic: string): Promise<PartitionLag[]> =>
      withSqlError('admin_failed', `lag of ${groupId} on ${topic}`, () =>
        groupLag(client, groupId, topic),
      ),
  }

  const assertOpen = (): void => {
    if (closing !== undefined) throw new BusError('closed', 'the bus is closed', false)
  }

  return {
    kind: 'embedded',
    admin,
    ensureSchema,
    deleteConsumed: (retention) =>
      withSqlError('admin_failed', 'deleting consumed messages', () =>
        deleteConsumed(client, retention),
      ),
    createProducer(): Producer {
      assertOpen()
      const producer = new EmbeddedProducer(client, partitionsOf, (p) => producers.delete(p))
      producers.add(producer)
      return producer
    },
    createConsumer(consumerOptions: ConsumerOptions): Consumer {
      assertOpen()
      const consumer = new EmbeddedConsumer(consumerOptions, {
        client,
        logger,
        notifications,
        pollIntervalMs,
        ensureSchema,
        onStopped: (c) => consumers.delete(c),
      })
      consumers.add(consumer)
      return consumer
    },
    close() {
      closing ??= (async () => {
        await Promise.all([...consumers].map((c) => c.stop()))
        await Promise.all([...producers].map((p) => p.close()))
        await notifications.close()
      })()
      return closing
    },
  }
}
