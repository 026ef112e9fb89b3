import type { Bus, Consumer, Producer } from '@anansi/bus'
import type { EvaluatorSuite } from '@anansi/evaluator'
import type { Store } from '@anansi/store'
import { RuleEngine } from './alerts/rule-engine.js'
import { DetectorBank } from './anomaly/detector-bank.js'
import { detectorSettingsSchema, type DetectorSettingsInput } from './anomaly/detector-settings.js'
import { startEventConsumer } from './consumer/event-consumer.js'
import { ProcessorError } from './errors.js'
import type { BatchSummary } from './pipeline/process-batch.js'
import { ProjectSettingsCache } from './projects/project-settings.js'
import { DEFAULT_TOPICS, ensureTopics, type TopicNames } from './topics.js'
import { createProcessorMetrics, type ProcessorMetrics } from './metrics/processor-metrics.js'
import { WebhookDispatcher, type DispatcherOptions } from './webhooks/index.js'

/** What a processor needs and how it behaves. */
export interface StreamProcessorOptions {
  store: Store
  bus: Bus
  /** The loaded evaluators (lexical tier for throughput; add semantic where the CPU allows). */
  suite: EvaluatorSuite
  /** Consumer group; processors with the same group share the partitions (default `anansi-processor`). */
  groupId?: string
  /** Static membership id for the embedded log (see `ConsumerOptions.instanceId`). */
  instanceId?: string
  /** Topic names (default: the platform's `anansi.*` topics). */
  topics?: TopicNames
  /** Partitions of `anansi.events` when this processor creates the topics. */
  eventPartitions?: number
  maxBatchSize?: number
  /** Partitions processed at once (default 4); each partition's events stay in order. */
  partitionConcurrency?: number
  sessionTimeoutMs?: number
  heartbeatIntervalMs?: number
  detectors?: DetectorSettingsInput
  /** How long project policies and alert rules are cached (default 5 s). */
  settingsTtlMs?: number
  /**
   * Webhook delivery from this process (default on). Several processors may all deliver: each
   * delivery is leased to one of them at a time. `false` leaves delivery to another process.
   */
  webhooks?: false | Omit<DispatcherOptions, 'report'>
  /** Every error the processor recovers from (failed batches are retried); defaults to stderr. */
  report?: (error: unknown) => void
  /** Add process metrics (CPU, memory, event loop) to `metrics.registry` (default false). */
  processMetrics?: boolean
  /** Called after every committed batch (metrics, tests, benchmarks). */
  onBatch?: (summary: BatchSummary) => void
  now?: () => Date
}

/** Running totals since start. */
export interface ProcessorStats {
  batches: number
  messages: number
  decided: number
  redelivered: number
  deadLettered: number
  anomalies: number
  alerts: number
}

/** A running processor. */
export interface StreamProcessor {
  readonly consumer: Consumer
  /** Prometheus metrics of this processor (`metrics.registry.metrics()` for a /metrics route). */
  readonly metrics: ProcessorMetrics
  /** The webhook dispatcher this process runs, if any. */
  readonly webhooks: WebhookDispatcher | undefined
  /**
   * Settles (never rejects) when the processor can no longer consume: its Kafka consumer crashed
   * with an error kafkajs does not restart from. The partitions go to the group's other members;
   * this process should stop and exit non-zero so its supervisor starts a fresh one.
   */
  readonly failed: Promise<ProcessorError>
  stats(): ProcessorStats
  /** Finishes the batch in flight, commits, leaves the group and closes its producer. */
  stop(): Promise<void>
}

function stderrReport(error: unknown): void {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  process.stderr.write(`[stream-processor] ${detail}\n`)
}

/**
 * Starts a stream processor: ensures the topics, joins the consumer group and processes events
 * until stopped.
 * @example const processor = await startStreamProcessor({ store, bus, suite })
 */
export async function startStreamProcessor(
  options: StreamProcessorOptions,
): Promise<StreamProcessor> {
  const parsed = detectorSettingsSchema.safeParse(options.detectors ?? {})
  if (!parsed.success)
    throw new ProcessorError(
      'invalid_options',
      `invalid detector settings: ${parsed.error.message}`,
    )
  const report = options.report ?? stderrReport
  const now = options.now ?? (() => new Date())
  const topics = options.topics ?? DEFAULT_TOPICS
  await ensureTopics(options.bus, {
    topics,
    ...(options.eventPartitions === undefined ? {} : { eventPartitions: options.eventPartitions }),
  })
  const producer: Producer = options.bus.createProducer()
  const groupId = options.groupId ?? 'anansi-processor'
  const metrics = createProcessorMetrics({
    bus: options.bus,
    groupId,
    eventsTopic: topics.events,
    defaults: options.processMetrics ?? false,
    report,
  })
  const stats: ProcessorStats = {
    batches: 0,
    messages: 0,
    decided: 0,
    redelivered: 0,
    deadLettered: 0,
    anomalies: 0,
    alerts: 0,
  }
  let fail: (error: ProcessorError) => void = () => undefined
  const failed = new Promise<ProcessorError>((resolve) => {
    fail = resolve
  })
  const consumer = await startEventConsumer(
    options.bus,
    {
      store: options.store,
      producer,
      suite: options.suite,
      detectors: new DetectorBank(parsed.data),
      rules: new RuleEngine(),
      projects: new ProjectSettingsCache(options.store, options.settingsTtlMs ?? 5_000, report),
      topics,
      now,
    },
    {
      groupId,
      ...(options.instanceId === undefined ? {} : { instanceId: options.instanceId }),
      ...(options.maxBatchSize === undefined ? {} : { maxBatchSize: options.maxBatchSize }),
      ...(options.partitionConcurrency === undefined
        ? {}
        : { partitionConcurrency: options.partitionConcurrency }),
      ...(options.sessionTimeoutMs === undefined
        ? {}
        : { sessionTimeoutMs: options.sessionTimeoutMs }),
      ...(options.heartbeatIntervalMs === undefined
        ? {}
        : { heartbeatIntervalMs: options.heartbeatIntervalMs }),
      report,
      onFailed: (cause) =>
        fail(
          new ProcessorError(
            'consumer_failed',
            `the event consumer of group ${groupId} stopped for good (${cause.message}); restart the processor`,
            { cause },
          ),
        ),
      onBatch: (summary) => {
        stats.batches += 1
        stats.messages += summary.messages
        stats.decided += summary.decided
        stats.redelivered += summary.redelivered
        stats.deadLettered += summary.deadLettered
        stats.anomalies += summary.anomalies
        stats.alerts += summary.alerts
        metrics.recordBatch(summary)
        options.onBatch?.(summary)
      },
    },
  )
  const webhooks =
    options.webhooks === false
      ? undefined
      : new WebhookDispatcher(options.store, {
          ...options.webhooks,
          report,
          onDelivered: (delivery) => {
            metrics.recordDelivery(delivery)
            if (options.webhooks !== false) options.webhooks?.onDelivered?.(delivery)
          },
        })
  webhooks?.start()
  let stopping: Promise<void> | undefined
  return {
    consumer,
    metrics,
    webhooks,
    failed,
    stats: () => ({ ...stats }),
    stop: () => {
      stopping ??= (async () => {
        await webhooks?.stop()
        await consumer.stop()
        await producer.close()
      })()
      return stopping
    },
  }
}
