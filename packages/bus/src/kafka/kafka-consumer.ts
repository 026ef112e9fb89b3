import type {
  Consumer as KafkaConsumer,
  EachBatchPayload,
  IHeaders,
  Kafka,
  KafkaMessage,
} from 'kafkajs'
import { retryDelayMs } from '../backoff.js'
import type { Consumer, ConsumerOptions, RunOptions } from '../bus.js'
import { asUint8Array } from '../encoding.js'
import { BusError, handlerError, messageOf } from '../errors.js'
import type { BusLogger } from '../logger.js'
import type { BatchContext, BatchHandler, ConsumedMessage, TopicPartition } from '../messages.js'
import { PartitionCallbacks, partitionKey } from '../partition-callbacks.js'
import { errorReporter } from '../report.js'
import { isRebalanceError, kafkaError } from './kafka-errors.js'

/** Kafka-only consumer settings, fixed per bus. */
export interface KafkaConsumerTuning {
  /** Longest a fetch waits for data (an idle member notices rebalances at this pace). */
  maxWaitTimeMs: number
}

type Heartbeat = () => Promise<void>

/**
 * A kafkajs consumer run with `eachBatch`, following kafkajs's own runner: an offset is resolved
 * only after the handler succeeded for it, kafkajs commits resolved offsets after each batch, and a
 * failing handler gets the unprocessed rest again after a per-partition backoff, without leaving
 * the group or holding up other partitions.
 */
export class KafkaBusConsumer implements Consumer {
  private readonly consumer: KafkaConsumer
  private readonly inFlight = new Set<Promise<void>>()
  private readonly removeListeners: (() => void)[] = []
  private readonly attempts = new Map<string, number>()
  private readonly backoffs = new Set<NodeJS.Timeout>()
  private handler: BatchHandler | undefined
  private callbacks: PartitionCallbacks | undefined
  private report: (error: BusError) => void
  private running = false
  private started = false
  private stopping: Promise<void> | undefined

  constructor(
    kafka: Kafka,
    private readonly options: ConsumerOptions,
    tuning: KafkaConsumerTuning,
    private readonly logger: BusLogger,
    private readonly onStopped: (consumer: KafkaBusConsumer) => void,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: options.heartbeatIntervalMs ?? 3_000,
      maxWaitTimeInMs: tuning.maxWaitTimeMs,
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: 100, maxRetryTime: 5_000 },
    })
    this.report = errorReporter(undefined, logger, { groupId: options.groupId })
  }

  assignment(): TopicPartition[] {
    return this.callbacks?.list() ?? []
  }

  async run(options: RunOptions): Promise<void> {
    if (this.started)
      throw new BusError('invalid_argument', 'run() may be called once per consumer', false)
    if (this.stopping !== undefined) throw new BusError('closed', 'the consumer was stopped', false)
    this.started = true
    this.handler = options.eachBatch
    this.report = errorReporter(options.onError, this.logger, { groupId: this.options.groupId })
    const callbacks = new PartitionCallbacks(
      options.onPartitionsAssigned,
      options.onPartitionsRevoked,
      this.report,
    )
    this.callbacks = callbacks
    this.listen(callbacks)
    this.running = true
    try {
      await this.consumer.connect()
      await this.consumer.subscribe({
        topics: this.options.topics,
        fromBeginning: (this.options.startFrom ?? 'earliest') === 'earliest',
      })
      await this.consumer.run({
        autoCommit: true,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionConcurrency ?? 1,
        eachBatch: (payload) => this.track(this.onBatch(payload)),
      })
    } catch (error) {
      this.running = false
      await this.stop().catch((cleanup: unknown) =>
        this.logger.warn('cleaning up after a failed start failed', { error: cleanup }),
      )
      throw kafkaError(
        'connection_failed',
        `starting consumer of group ${this.options.groupId}`,
        error,
      )
    }
    await callbacks.settled() // the first assignment's callbacks have run
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown()
    return this.stopping
  }

  private async shutdown(): Promise<void> {
    this.running = false
    try {
      if (!this.started) return
      this.pauseAll()
      for (const timer of this.backoffs) clearTimeout(timer)
      this.backoffs.clear()
      await Promise.all(this.inFlight)
      // Hand over cleanly: revoke (checkpoint) before leaving, so the next owner loads fresh state.
      await this.callbacks?.close()
      await this.consumer.disconnect()
    } catch (error) {
      throw kafkaError('group_failed', `stopping consumer of group ${this.options.groupId}`, error)
    } finally {
      for (const remove of this.removeListeners.splice(0)) remove()
      this.onStopped(this)
    }
  }

  private pauseAll(): void {
    try {
      this.consumer.pause(this.options.topics.map((topic) => ({ topic })))
    } catch (error) {
      // Only fails while kafkajs is between a crash and its restart, when nothing is fetched anyway.
      this.logger.debug('could not pause before stopping', { error })
    }
  }

  /**
   * kafkajs announces rebalances through instrumentation events it does not await. Revocation is
   * queued at REBALANCING (and awaited when our own heartbeat notices the rebalance first); the new
   * assignment at GROUP_JOIN. A batch always waits for the queued callbacks of its partition.
   */
  private listen(callbacks: PartitionCallbacks): void {
    const { events } = this.consumer
    this.removeListeners.push(
      this.consumer.on(events.GROUP_JOIN, ({ payload }) => {
        const assignment = Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) =>
          partitions.map((partition) => ({ topic, partition })),
        )
        void callbacks.sync(assignment)
      }),
      this.consumer.on(events.REBALANCING, () => void callbacks.revokeAll()),
      this.consumer.on(events.CRASH, ({ payload }) => {
        const cause: unknown = payload.error
        // Retriable exactly when kafkajs restarts the consumer by itself; otherwise it is dead.
        this.report(
          new BusError(
            'consumer_crashed',
            `consumer of group ${payload.groupId} crashed${payload.restart ? '; kafkajs restarts it' : ' for good'}: ${messageOf(cause)}`,
            payload.restart,
            { cause },
          ),
        )
        void callbacks.revokeAll()
      }),
    )
  }

  private async track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work)
    try {
      await work
    } finally {
      this.inFlight.delete(work)
    }
  }

  /**
   * Runs the handler on one batch. On success the last offset is resolved (kafkajs commits it right
   * after); on failure what the handler resolved is committed, and the partition is paused for a
   * backoff: the next fetch after the pause starts at the first unresolved message, while the
   * member's other partitions keep flowing.
   */
  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload
    const tp = { topic: batch.topic, partition: batch.partition }
    // Unresolved messages are simply fetched again, by this member or the partition's next owner.
    if (!this.running || !payload.isRunning() || payload.isStale()) return
    const messages = batch.messages.map(toConsumedMessage)
    const progress = { next: undefined as bigint | undefined }
    try {
      await this.callbacks?.ready(tp)
      await this.handler?.({ ...tp, messages }, this.context(payload, tp, messages, progress))
      const last = messages.at(-1)
      if (last !== undefined) payload.resolveOffset(last.offset)
      this.attempts.delete(partitionKey(tp))
      return
    } catch (error) {
      if (isRebalanceError(error)) return this.rejoin(error)
      const attempt = (this.attempts.get(partitionKey(tp)) ?? 0) + 1
      this.attempts.set(partitionKey(tp), attempt)
      this.report(
        error instanceof BusError
          ? error
          : handlerError(
              'handler_failed',
              `eachBatch failed on ${tp.topic}[${tp.partition}] at offset ${messages[0]?.offset} (attempt ${attempt}; redelivering)`,
              error,
            ),
      )
      await this.commitResolved(payload)
      this.pauseFor(payload, retryDelayMs(attempt))
    }
  }

  private pauseFor(payload: EachBatchPayload, ms: number): void {
    const resume = payload.pause()
    const timer = setTimeout(() => {
      this.backoffs.delete(timer)
      if (this.running) resume() // while stopping, everything stays paused
    }, ms)
    this.backoffs.add(timer)
  }

  private context(
    payload: EachBatchPayload,
    tp: TopicPartition,
    messages: ConsumedMessage[],
    progress: { next: bigint | undefined },
  ): BatchContext {
    const first = BigInt(messages[0]?.offset ?? '0')
    const last = BigInt(messages.at(-1)?.offset ?? '0')
    return {
      resolveOffset: (offset) => {
        const next = BigInt(offset) + 1n
        if (
          next <= first ||
          next > last + 1n ||
          (progress.next !== undefined && next <= progress.next)
        )
          return
        progress.next = next
        payload.resolveOffset(offset)
      },
      heartbeat: () => this.heartbeat(() => payload.heartbeat()),
      isRunning: () => this.running && payload.isRunning(),
      isStale: () => payload.isStale() || this.callbacks?.owns(tp) !== true,
    }
  }

  /** Commits what the handler resolved before it failed, so only the rest is redelivered. */
  private async commitResolved(payload: EachBatchPayload): Promise<void> {
    try {
      await payload.commitOffsetsIfNecessary(payload.uncommittedOffsets())
    } catch (error) {
      if (isRebalanceError(error)) return this.rejoin(error)
      throw kafkaError(
        'commit_failed',
        'committing processed offsets after a handler failure',
        error,
      )
    }
  }

  private async heartbeat(heartbeat: Heartbeat): Promise<void> {
    try {
      await heartbeat()
    } catch (error) {
      if (isRebalanceError(error)) return this.rejoin(error)
      throw error
    }
  }

  /** Revokes everything before kafkajs rejoins (it rejoins when the rebalance error reaches it). */
  private async rejoin(error: unknown): Promise<never> {
    await this.callbacks?.revokeAll()
    throw error
  }
}

function toConsumedMessage(message: KafkaMessage): ConsumedMessage {
  return {
    offset: message.offset,
    key: message.key?.toString('utf8') ?? '',
    value: message.value === null ? new Uint8Array(0) : asUint8Array(message.value),
    headers: headersOf(message.headers),
    timestamp: Number(message.timestamp),
  }
}

function headersOf(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers ?? {})) {
    const single = Array.isArray(value) ? value.at(-1) : value
    if (single !== undefined) out[name] = single.toString()
  }
  return out
}
