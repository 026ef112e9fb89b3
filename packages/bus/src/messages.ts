/** One message to publish. Messages with the same key go to the same partition, in order. */
export interface OutgoingMessage {
  key: string
  value: Uint8Array | string
  headers?: Record<string, string>
}

/** One message as a consumer receives it. */
export interface ConsumedMessage {
  /** Position in its partition: a decimal integer string (64-bit, so not a JS number). */
  offset: string
  key: string
  value: Uint8Array
  headers: Record<string, string>
  /** When the log accepted the message, in milliseconds since the Unix epoch. */
  timestamp: number
}

/** A topic and one of its partitions. */
export interface TopicPartition {
  topic: string
  partition: number
}

/** Consecutive messages of one partition, oldest first. */
export interface Batch extends TopicPartition {
  messages: ConsumedMessage[]
}

/** What a batch handler may do besides returning or throwing. */
export interface BatchContext {
  /**
   * Marks every message up to and including `offset` as processed. Only needed for progress inside
   * a batch: if the handler then throws, those messages are committed and not delivered again.
   */
  resolveOffset(offset: string): void
  /** Keeps the partition's ownership alive during a long batch. */
  heartbeat(): Promise<void>
  /** False once the consumer is stopping: finish or abandon the batch quickly. */
  isRunning(): boolean
  /** True when the partition has been taken away: stop early, the new owner redelivers the rest. */
  isStale(): boolean
}

/**
 * Processes one batch. Returning commits the whole batch; throwing commits what `resolveOffset`
 * marked and redelivers the rest (after a backoff), never skipping a message.
 */
export type BatchHandler = (batch: Batch, context: BatchContext) => Promise<void>

/** Called with the partitions a consumer gains or loses; awaited before it processes or hands over. */
export type PartitionsListener = (partitions: TopicPartition[]) => Promise<void> | void

/** Committed position and end of one partition, for lag monitoring and benchmarks. */
export interface PartitionLag extends TopicPartition {
  /** The next offset the group will read (`null` if the group never committed on this partition). */
  committedOffset: string | null
  /** The offset the next produced message will get (Kafka's high watermark). */
  endOffset: string
  /** Messages the group has yet to commit past. */
  lag: number
}

/** A topic to create if it is missing. */
export interface TopicSpec {
  topic: string
  partitions: number
  /** Kafka topic configs (e.g. `retention.ms`); the embedded log stores but does not enforce them. */
  config?: Record<string, string>
}
