import type { Admin as KafkaAdmin, Kafka } from 'kafkajs'
import type { Admin } from '../bus.js'
import { BusError } from '../errors.js'
import type { PartitionLag, TopicSpec } from '../messages.js'
import { validateTopicSpec } from '../topic-spec.js'
import { isRetriable, kafkaError } from './kafka-errors.js'

/** How often ensureTopics tries before a retriable broker error is reported. */
const ENSURE_ATTEMPTS = 5

/** Topic management and lag over one shared, lazily connected kafkajs admin client. */
export class KafkaBusAdmin implements Admin {
  private connected: Promise<KafkaAdmin> | undefined

  constructor(
    private readonly kafka: Kafka,
    private readonly replicationFactor: number,
  ) {}

  async ensureTopics(specs: TopicSpec[]): Promise<void> {
    for (const spec of specs) validateTopicSpec(spec)
    const admin = await this.client()
    // A topic created a moment ago can be missing from a broker's metadata for a little while
    // ("does not host this topic-partition"); every step below is idempotent, so try again.
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.ensureTopicsOnce(admin, specs)
        return
      } catch (error) {
        if (attempt >= ENSURE_ATTEMPTS || !isRetriable(error)) {
          throw kafkaError(
            'admin_failed',
            `ensuring topics ${specs.map((s) => s.topic).join(', ')}`,
            error,
          )
        }
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt))
      }
    }
  }

  private async ensureTopicsOnce(admin: KafkaAdmin, specs: TopicSpec[]): Promise<void> {
    const existing = new Set(await admin.listTopics())
    const missing = specs.filter((s) => !existing.has(s.topic))
    if (missing.length > 0) {
      // Returns false (no error) for topics that appeared meanwhile: another replica created them.
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: s.topic,
          numPartitions: s.partitions,
          replicationFactor: this.replicationFactor,
          configEntries: Object.entries(s.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      })
    }
    const { topics } = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.topic) })
    for (const spec of specs) {
      const count = topics.find((t) => t.name === spec.topic)?.partitions.length ?? 0
      if (count < spec.partitions) {
        throw new BusError(
          'topic_mismatch',
          `topic ${spec.topic} has ${count} partitions, fewer than the ${spec.partitions} asked for; adding partitions moves keys, so do it deliberately`,
          false,
        )
      }
    }
  }

  async lag(groupId: string, topic: string): Promise<PartitionLag[]> {
    const admin = await this.client()
    try {
      const [ends, committed] = await Promise.all([
        admin.fetchTopicOffsets(topic),
        admin.fetchOffsets({ groupId, topics: [topic] }),
      ])
      const byPartition = new Map(
        (committed[0]?.partitions ?? []).map((p) => [p.partition, p.offset]),
      )
      return ends
        .map((end) => {
          const offset = byPartition.get(end.partition)
          const hasCommit = offset !== undefined && Number(offset) >= 0
          const from = hasCommit ? BigInt(offset) : BigInt(end.low)
          return {
            topic,
            partition: end.partition,
            committedOffset: hasCommit ? offset : null,
            endOffset: end.high,
            lag: Number(BigInt(end.high) - from),
          }
        })
        .sort((a, b) => a.partition - b.partition)
    } catch (error) {
      throw kafkaError('admin_failed', `lag of ${groupId} on ${topic}`, error)
    }
  }

  /** Disconnects the admin client, if it was ever connected. */
  async close(): Promise<void> {
    const connected = this.connected
    this.connected = undefined
    // A failed connect was already reported to the call that needed it; nothing to disconnect then.
    if (connected !== undefined) await (await connected.catch(() => undefined))?.disconnect()
  }

  private client(): Promise<KafkaAdmin> {
    this.connected ??= (async () => {
      const admin = this.kafka.admin()
      await admin.connect()
      return admin
    })().catch((error: unknown) => {
      this.connected = undefined
      throw kafkaError('connection_failed', 'connecting the Kafka admin client', error)
    })
    return this.connected
  }
}
