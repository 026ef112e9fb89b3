import type { Bus, BusError, Consumer, TopicPartition } from '@anansi/bus'
import { ProcessorError } from '../errors.js'
import { processBatch, type BatchSummary, type PipelineDeps } from '../pipeline/process-batch.js'

/** How the event consumer joins its group. */
export interface EventConsumerOptions {
  groupId: string
  /** Static membership id (embedded log): a restarted processor takes its partitions back at once. */
  instanceId?: string
  maxBatchSize?: number
  partitionConcurrency?: number
  sessionTimeoutMs?: number
  heartbeatIntervalMs?: number
  onBatch?: (summary: BatchSummary) => void
  report: (error: unknown) => void
  /** The consumer is dead for good (the bus will not restart it): this member processes nothing more. */
  onFailed?: (error: BusError) => void
}

/** Partitions in flight at once: one evaluates while another waits on its database transaction. */
export const DEFAULT_PARTITION_CONCURRENCY = 4

/**
 * Joins the processor group on `anansi.events` and runs the pipeline on every batch. Detector and
 * rule state of a partition is dropped when the partition is assigned or revoked and when one of
 * its batches fails, and restored from the last checkpoint on its next event — so the state in
 * memory always matches what was committed, whichever member owned the partition before.
 */
export async function startEventConsumer(
  bus: Bus,
  deps: PipelineDeps,
  options: EventConsumerOptions,
): Promise<Consumer> {
  const consumer = bus.createConsumer({
    groupId: options.groupId,
    topics: [deps.topics.events],
    startFrom: 'earliest',
    ...(options.instanceId === undefined ? {} : { instanceId: options.instanceId }),
    ...(options.maxBatchSize === undefined ? {} : { maxBatchSize: options.maxBatchSize }),
    partitionConcurrency: options.partitionConcurrency ?? DEFAULT_PARTITION_CONCURRENCY,
    ...(options.sessionTimeoutMs === undefined
      ? {}
      : { sessionTimeoutMs: options.sessionTimeoutMs }),
    ...(options.heartbeatIntervalMs === undefined
      ? {}
      : { heartbeatIntervalMs: options.heartbeatIntervalMs }),
  })
  const eventPartitions = (partitions: readonly TopicPartition[]): Set<number> =>
    new Set(partitions.filter((p) => p.topic === deps.topics.events).map((p) => p.partition))
  const forget = (partitions: Set<number>): void => {
    deps.detectors.forgetPartitions(partitions)
    deps.rules.forgetPartitions(partitions)
  }
  await consumer.run({
    eachBatch: async (batch) => {
      try {
        options.onBatch?.(await processBatch(deps, batch))
      } catch (cause) {
        forget(new Set([batch.partition]))
        throw new ProcessorError(
          'batch_failed',
          `batch of ${batch.topic}[${batch.partition}] at ${batch.messages[0]?.offset ?? '?'} failed; it will be delivered again`,
          { cause },
        )
      }
    },
    onPartitionsAssigned: (partitions) => forget(eventPartitions(partitions)),
    onPartitionsRevoked: (partitions) => forget(eventPartitions(partitions)),
    onError: (error: BusError) => {
      options.report(error)
      if (error.code === 'consumer_crashed' && !error.retriable) options.onFailed?.(error)
    },
  })
  return consumer
}
