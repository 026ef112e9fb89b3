/** One claimed webhook delivery: where to send, how to sign, what to send, how often it was tried. */
export interface DeliveryJob {
  id: string
  projectId: string
  webhookId: string
  url: string
  secret: string
  /** The `webhook-id` header: receivers deduplicate on it, so it is the same on every attempt. */
  messageId: string
  eventType: string
  /** The JSON body, as an object; sent as `JSON.stringify(payload)`. */
  payload: unknown
  /** Attempts already made before this one. */
  attempts: number
}

/** How an attempt ended: delivered, to be retried at `nextAttemptAt`, or given up. */
export type DeliveryOutcome = 'succeeded' | 'retry' | 'failed'

/** One attempt for the delivery log; the queue increments the job's attempt count. */
export interface DeliveryAttempt {
  id: string
  outcome: DeliveryOutcome
  statusCode?: number
  error?: string
  nextAttemptAt?: Date
  now?: Date
}

/**
 * Where due deliveries come from and where attempts go (the store implements it). Claiming leases
 * the jobs for `leaseMs`, so that another dispatcher does not take them while they are in flight.
 */
export interface DeliveryQueue {
  claimDueDeliveries(input: { limit: number; leaseMs: number; now?: Date }): Promise<DeliveryJob[]>
  recordDeliveryAttempt(input: DeliveryAttempt): Promise<void>
}
