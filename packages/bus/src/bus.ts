import type { BusError } from './errors.js'
import type {
  BatchHandler,
  OutgoingMessage,
  PartitionLag,
  PartitionsListener,
  TopicPartition,
  TopicSpec,
} from './messages.js'

/** Publishes messages. */
export interface Producer {
  /** Resolves only once the messages are durable (Kafka: acks=all; embedded: committed). */
  send(topic: string, messages: OutgoingMessage[]): Promise<void>
  /** Releases connections (sends already awaited are durable); safe to call twice. */
  close(): Promise<void>
}

/** Options every consumer takes, whatever the adapter. */
export interface ConsumerOptions {
  groupId: string
  topics: string[]
  /** Where a group without a committed offset starts (default `earliest`). */
  startFrom?: 'earliest' | 'latest'
  /** A member whose heartbeats stop for this long loses its partitions (Kafka default 30 s, embedded 10 s). */
  sessionTimeoutMs?: number
  /** How often membership is renewed and rebalances are noticed (Kafka 3 s, embedded 1 s). */
  heartbeatIntervalMs?: number
  /**
   * Partitions whose batches are handled at the same time (default 1). Messages of one partition
   * are always handled in order, one batch at a time; raising this overlaps one partition's I/O
   * with another's CPU work.
   */
  partitionConcurrency?: number
  /** Largest number of messages handed to one `eachBatch` call (embedded; Kafka batches by bytes). */
  maxBatchSize?: number
  /**
   * Static membership (embedded only; kafkajs lacks it): a restarted member with the same id takes
   * its partitions back at once instead of waiting for its old leases to expire. Must be unique
   * among live members of the group, e.g. one fixed id for the single embedded process.
   */
  instanceId?: string
}

/** What a consumer does with what it receives. */
export interface RunOptions {
  eachBatch: BatchHandler
  /** Before the first batch of newly owned partitions (load detector state here). */
  onPartitionsAssigned?: PartitionsListener
  /** When partitions go away, before another member may own them where the adapter allows it. */
  onPartitionsRevoked?: PartitionsListener
  /** Every handler failure, callback failure and consumer crash; defaults to the bus logger. */
  onError?: (error: BusError) => void
}

/** A member of a consumer group. */
export interface Consumer {
  /** Starts consuming; resolves once the consumer has joined its group. Call once. */
  run(options: RunOptions): Promise<void>
  /** The partitions this consumer owns now. */
  assignment(): TopicPartition[]
  /** Finishes the batch in flight, commits, revokes its partitions and leaves; safe twice. */
  stop(): Promise<void>
}

/** Topic management and monitoring. */
export interface Admin {
  /** Creates missing topics; existing ones with fewer partitions than asked raise `topic_mismatch`. */
  ensureTopics(topics: TopicSpec[]): Promise<void>
  /** Committed offset, end offset and lag of a group on every partition of a topic. */
  lag(groupId: string, topic: string): Promise<PartitionLag[]>
}

/** A durable, partitioned log with consumer groups: Kafka or the embedded Postgres log. */
export interface Bus {
  readonly kind: 'kafka' | 'embedded'
  readonly admin: Admin
  createProducer(): Producer
  createConsumer(options: ConsumerOptions): Consumer
  /** Stops every consumer and closes every producer this bus created; safe twice. */
  close(): Promise<void>
}
