import type { BackoffOptions } from './backoff.js'
import { type AttemptDecision, decideAttempt } from './attempt-outcome.js'
import type { DeliveryJob, DeliveryOutcome, DeliveryQueue } from './delivery-queue.js'
import { type DispatcherSettings, parseDispatcherSettings } from './dispatcher-settings.js'
import { messageOf, WebhookError } from './errors.js'
import type { SendResult } from './response-classifier.js'
import { sendWebhook } from './sender.js'
import type { AddressLookup } from './ssrf-guard.js'

/** Options for {@link WebhookDispatcher}; every number has a default. */
export interface DispatcherOptions {
  pollIntervalMs?: number
  /** Deliveries claimed per round. */
  batchSize?: number
  /** Deliveries in flight at once. */
  concurrency?: number
  /** Limit on one attempt (DNS, connect, request, response). */
  timeoutMs?: number
  /** How long a claim holds a delivery; must outlast a whole batch (checked). */
  leaseMs?: number
  /** Attempts in all, the first included, before a delivery is given up. */
  maxAttempts?: number
  maxResponseBytes?: number
  /** Operator switch: allow loopback/private targets (local development, tests). */
  allowPrivate?: boolean
  backoff?: BackoffOptions
  /** Receives every error the dispatcher cannot hand to a caller (queue failures, crashes); must not throw. */
  report: (error: unknown) => void
  /** Called after each recorded attempt, for metrics. */
  onDelivered?: (delivery: DeliveryReport) => void
  /** Clock for leases, schedules and signature timestamps; injectable for tests. */
  now?: () => Date
  lookup?: AddressLookup
}

/** One recorded attempt, for metrics hooks (no secret, no payload). */
export interface DeliveryReport {
  id: string
  projectId: string
  webhookId: string
  eventType: string
  /** 1 for the first attempt. */
  attempt: number
  outcome: DeliveryOutcome
  statusCode?: number
  error?: string
  durationMs: number
}

/** What one round did: deliveries claimed, and how the recorded ones ended. */
export interface DispatchCounts {
  claimed: number
  succeeded: number
  retried: number
  failed: number
}

/** Polls a delivery queue and sends due webhooks with retries, in the background or round by round. */
export class WebhookDispatcher {
  private readonly settings: DispatcherSettings
  private readonly now: () => Date
  private readonly inFlight = new Set<Promise<DispatchCounts>>()
  private loop: Promise<void> | undefined
  private stopping = false
  private wake: (() => void) | undefined

  constructor(
    private readonly queue: DeliveryQueue,
    private readonly options: DispatcherOptions,
  ) {
    this.settings = parseDispatcherSettings({
      pollIntervalMs: options.pollIntervalMs,
      batchSize: options.batchSize,
      concurrency: options.concurrency,
      timeoutMs: options.timeoutMs,
      leaseMs: options.leaseMs,
      maxAttempts: options.maxAttempts,
      maxResponseBytes: options.maxResponseBytes,
      allowPrivate: options.allowPrivate,
    })
    this.now = options.now ?? (() => new Date())
  }

  /** Starts polling in the background; a second call does nothing. */
  start(): void {
    if (this.loop !== undefined) return
    this.stopping = false
    this.loop = this.pollLoop()
  }

  /** Stops polling and waits for the deliveries in flight; safe to call twice. */
  async stop(): Promise<void> {
    this.stopping = true
    this.wake?.()
    await this.loop
    this.loop = undefined
    await Promise.allSettled([...this.inFlight])
  }

  /** Claims one batch of due deliveries, sends them and records each attempt. */
  async runOnce(): Promise<DispatchCounts> {
    const round = this.dispatchBatch()
    this.inFlight.add(round)
    try {
      return await round
    } finally {
      this.inFlight.delete(round)
    }
  }

  private async pollLoop(): Promise<void> {
    while (!this.stopping) {
      const claimed = await this.runOnce().then(
        (counts) => counts.claimed,
        (error: unknown) => {
          this.options.report(error)
          return 0
        },
      )
      // A full batch suggests more are due: poll again at once instead of sleeping.
      if (claimed < this.settings.batchSize) await this.pause(this.settings.pollIntervalMs)
    }
  }

  private pause(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      // A dispatcher alone must not keep the process alive.
      timer.unref()
      this.wake = done
      function done() {
        clearTimeout(timer)
        resolve()
      }
    })
  }

  private async dispatchBatch(): Promise<DispatchCounts> {
    const jobs = await this.claim()
    const counts: DispatchCounts = { claimed: jobs.length, succeeded: 0, retried: 0, failed: 0 }
    await forEachConcurrently(jobs, this.settings.concurrency, async (job) => {
      const outcome = await this.deliver(job)
      if (outcome === 'succeeded') counts.succeeded += 1
      else if (outcome === 'retry') counts.retried += 1
      else if (outcome === 'failed') counts.failed += 1
    })
    return counts
  }

  private async claim(): Promise<DeliveryJob[]> {
    try {
      return await this.queue.claimDueDeliveries({
        limit: this.settings.batchSize,
        leaseMs: this.settings.leaseMs,
        now: this.now(),
      })
    } catch (cause) {
      throw new WebhookError('queue_failed', `claiming deliveries failed: ${messageOf(cause)}`, {
        cause,
      })
    }
  }

  /** Sends and records one job; the outcome, or undefined when it could not be recorded. */
  private async deliver(job: DeliveryJob): Promise<DeliveryOutcome | undefined> {
    const started = performance.now()
    const result = await this.send(job)
    const now = this.now()
    const decision = decideAttempt(
      result,
      job.attempts,
      { maxAttempts: this.settings.maxAttempts, backoff: this.options.backoff ?? {} },
      now,
    )
    try {
      await this.queue.recordDeliveryAttempt({
        id: job.id,
        outcome: decision.outcome,
        statusCode: result.statusCode,
        error: result.error,
        nextAttemptAt: decision.nextAttemptAt,
        now,
      })
    } catch (cause) {
      // The lease runs out and the delivery is claimed again: at-least-once, and receivers
      // deduplicate on webhook-id.
      const message = `recording delivery ${job.id} failed: ${messageOf(cause)}`
      this.options.report(new WebhookError('queue_failed', message, { cause }))
      return undefined
    }
    this.notify(job, result, decision, performance.now() - started)
    return decision.outcome
  }

  private async send(job: DeliveryJob): Promise<SendResult> {
    try {
      return await sendWebhook(job, {
        allowPrivate: this.settings.allowPrivate,
        timeoutMs: this.settings.timeoutMs,
        maxResponseBytes: this.settings.maxResponseBytes,
        now: this.now,
        lookup: this.options.lookup,
      })
    } catch (cause) {
      // sendWebhook reports delivery failures in its result; a throw is a bug, so report it and
      // count the attempt (retrying it is bounded by maxAttempts).
      const error = new WebhookError('send_crashed', `sending ${job.id} crashed`, { cause })
      this.options.report(error)
      return { ok: false, retryable: true, error: `${error.message}: ${messageOf(cause)}` }
    }
  }

  private notify(
    job: DeliveryJob,
    result: SendResult,
    decision: AttemptDecision,
    durationMs: number,
  ): void {
    if (this.options.onDelivered === undefined) return
    try {
      this.options.onDelivered({
        id: job.id,
        projectId: job.projectId,
        webhookId: job.webhookId,
        eventType: job.eventType,
        attempt: job.attempts + 1,
        outcome: decision.outcome,
        statusCode: result.statusCode,
        error: result.error,
        durationMs,
      })
    } catch (cause) {
      this.options.report(new WebhookError('hook_failed', 'onDelivered hook threw', { cause }))
    }
  }
}

/** Runs `work` over `items` with at most `limit` in flight at once. */
async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0
  const worker = async () => {
    for (let item = items[next++]; item !== undefined; item = items[next++]) await work(item)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}
