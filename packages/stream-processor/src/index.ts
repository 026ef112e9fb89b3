export {
  startStreamProcessor,
  type ProcessorStats,
  type StreamProcessor,
  type StreamProcessorOptions,
} from './processor.js'
export {
  ensureTopics,
  DEFAULT_EVENT_PARTITIONS,
  DEFAULT_TOPICS,
  type TopicNames,
} from './topics.js'
export { ProcessorError, type ProcessorErrorCode } from './errors.js'
export type { BatchSummary } from './pipeline/process-batch.js'
export { createProcessorMetrics, type ProcessorMetrics } from './metrics/processor-metrics.js'
export {
  WebhookDispatcher,
  WebhookError,
  signWebhook,
  assertDeliverableUrl,
  isDeliverableAddress,
  nextRetryDelayMs,
  MAX_ATTEMPTS,
  type DeliveryJob,
  type DeliveryQueue,
  type DispatchCounts,
  type DispatcherOptions,
  type DeliveryReport,
  type WebhookErrorCode,
} from './webhooks/index.js'
export {
  detectorSettingsSchema,
  type DetectorSettings,
  type DetectorSettingsInput,
} from './anomaly/detector-settings.js'
export { DecayedZScore } from './anomaly/decayed-zscore.js'
export { RobustZScore } from './anomaly/robust-zscore.js'
export { MetricDetector } from './anomaly/metric-detector.js'
export { observationsOf, evaluatorMetric, type Observation } from './anomaly/observations.js'
export { RuleEngine, type RuleInput } from './alerts/rule-engine.js'
export {
  deadLetterSchema,
  deadLetterReasonSchema,
  type DeadLetter,
  type DeadLetterReason,
} from './dlq/dead-letter.js'
