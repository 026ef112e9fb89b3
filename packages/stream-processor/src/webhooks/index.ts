export { backoffCeilingMs, MAX_ATTEMPTS, nextRetryDelayMs, type BackoffOptions } from './backoff.js'
export type {
  DeliveryAttempt,
  DeliveryJob,
  DeliveryOutcome,
  DeliveryQueue,
} from './delivery-queue.js'
export {
  WebhookDispatcher,
  type DeliveryReport,
  type DispatchCounts,
  type DispatcherOptions,
} from './dispatcher.js'
export { WebhookError, type WebhookErrorCode } from './errors.js'
export { pinnedLookup } from './pinned-lookup.js'
export type { SendResult } from './response-classifier.js'
export {
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
  sendWebhook,
  type SendOptions,
  type WebhookMessage,
} from './sender.js'
export { signWebhook, type SignInput } from './signer.js'
export {
  assertDeliverableUrl,
  isDeliverableAddress,
  type AddressLookup,
  type DeliverableUrlOptions,
  type ResolvedAddress,
  type ResolvedTarget,
} from './ssrf-guard.js'
