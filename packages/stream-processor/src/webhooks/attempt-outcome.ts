import { type BackoffOptions, backoffCeilingMs, nextRetryDelayMs } from './backoff.js'
import type { DeliveryOutcome } from './delivery-queue.js'
import type { SendResult } from './response-classifier.js'

/** What to record after an attempt: its outcome and, for a retry, when to try again. */
export interface AttemptDecision {
  outcome: DeliveryOutcome
  nextAttemptAt?: Date
}

/** The retry policy's knobs: how many attempts in all, and the backoff between them. */
export interface RetryPolicy {
  maxAttempts: number
  backoff: BackoffOptions
}

/**
 * Decides the fate of a delivery after one more attempt (`attemptsBefore` were made before it):
 * retry at now + max(backoff, Retry-After) while attempts remain, otherwise give up.
 */
export function decideAttempt(
  result: SendResult,
  attemptsBefore: number,
  policy: RetryPolicy,
  now: Date,
): AttemptDecision {
  if (result.ok) return { outcome: 'succeeded' }
  if (!result.retryable || attemptsBefore + 1 >= policy.maxAttempts) return { outcome: 'failed' }
  const backoffMs = nextRetryDelayMs(attemptsBefore, policy.backoff)
  // A receiver's Retry-After is honoured, but only up to the backoff cap, so that one answer
  // cannot park a delivery indefinitely.
  const retryAfterMs = Math.min(
    result.retryAfterMs ?? 0,
    backoffCeilingMs(Infinity, policy.backoff),
  )
  return {
    outcome: 'retry',
    nextAttemptAt: new Date(now.getTime() + Math.max(backoffMs, retryAfterMs)),
  }
}
