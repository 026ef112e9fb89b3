import type { AnansiError } from '../errors.js'
import type { DropReason } from '../options.js'
import type { DebugLogger } from '../core/debug-logger.js'
import { BoundedQueue } from './bounded-queue.js'
import type { SendOutcome } from './http-sender.js'
import { backoffDelay } from './retry-policy.js'
import { sleep, unrefTimer } from './timers.js'
import type { RejectedEvent } from './wire-guards.js'

/** How long shutdown waits for an aborted request to settle (it does at once unless the runtime stalls). */
const ABORT_SETTLE_MS = 250

/** Batching, bounds and retry settings of the exporter. */
export interface ExporterSettings {
  batch: { maxEvents: number; maxBytes: number; intervalMs: number }
  queue: { maxEvents: number; maxBytes: number }
  retry: { initialDelayMs: number; maxDelayMs: number; deadlineMs: number }
}

/** What the exporter needs from its owner: how to serialize, send and report. */
export interface ExporterHooks<T> {
  /** Resolves once items can be serialized (for example the PII redactor is loaded); never rejects. */
  ready: () => Promise<void>
  /** The JSON of one event and its UTF-8 size, or undefined when the item was dropped (already reported). */
  serialize: (item: T) => { json: string; bytes: number } | undefined
  send: (body: string, signal: AbortSignal) => Promise<SendOutcome>
  onEncodingRefused: () => void
  onDrop: (reason: DropReason, count: number, cause?: AnansiError) => void
  onError: (error: AnansiError) => void
  onRejected: (rejected: RejectedEvent, item: T | undefined) => void
  debug: DebugLogger
}

/** Counters a monitor reports through `stats()`. */
export interface ExporterStats {
  queued: number
  queuedBytes: number
  sent: number
  rejected: number
  batches: number
  retries: number
}

interface Entry<T> {
  item: T
  bytes: number
  json?: string
  firstTriedAt?: number
}

/**
 * Queues events and sends them in batches (by count, bytes or interval) with one request in flight,
 * retrying retriable failures with backoff under a deadline. Modelled on OpenTelemetry's
 * BatchSpanProcessor: bounded queue, drop-oldest with counting, unref'd timers, idempotent shutdown.
 */
export class BatchExporter<T> {
  private readonly queue: BoundedQueue<Entry<T>>
  private readonly abort = new AbortController()
  private timer: ReturnType<typeof setTimeout> | undefined
  private timerAt = Number.POSITIVE_INFINITY
  private inFlight: Promise<void> | undefined
  private backoffUntil = 0
  private failures = 0
  private closed = false
  /** An urgent item is queued: the next batch goes as soon as the one in flight settles. */
  private urgentQueued = false
  private closing: Promise<boolean> | undefined
  private readonly counters = { sent: 0, rejected: 0, batches: 0, retries: 0 }

  constructor(
    private readonly settings: ExporterSettings,
    private readonly hooks: ExporterHooks<T>,
  ) {
    this.queue = new BoundedQueue(settings.queue.maxEvents, settings.queue.maxBytes, (evicted) =>
      hooks.onDrop('queue_full', evicted.length),
    )
  }

  /** Queues an item (`bytes` may be an estimate); `urgent` sends it without waiting for the interval. */
  add(item: T, bytes: number, urgent = false): void {
    if (this.closed) {
      this.hooks.onDrop('shutdown', 1)
      return
    }
    this.queue.push({ item, bytes })
    if (urgent) this.urgentQueued = true
    const full =
      this.queue.length >= this.settings.batch.maxEvents ||
      this.queue.bytes >= this.settings.batch.maxBytes
    this.schedule(urgent || full ? 0 : this.settings.batch.intervalMs)
  }

  /** Counters for `monitor.stats()`. */
  stats(): ExporterStats {
    return { queued: this.queue.length, queuedBytes: this.queue.bytes, ...this.counters }
  }

  /** Sends everything queued; resolves true when the queue emptied before `timeoutMs`, never rejects. */
  async flush(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      if (this.queue.length === 0 && this.inFlight === undefined) return true
      const left = deadline - Date.now()
      if (left <= 0) return false
      const wait = this.backoffUntil - Date.now()
      if (this.inFlight === undefined && wait > 0) {
        await this.race(undefined, Math.min(wait, left)) // honour the backoff, then look again
        continue
      }
      this.start()
      if (this.inFlight !== undefined) await this.race(this.inFlight, left)
    }
  }

  /** Stops accepting items, flushes for up to `timeoutMs`, then drops what is left; safe to call twice. */
  shutdown(timeoutMs: number): Promise<boolean> {
    this.closing ??= this.close(timeoutMs)
    return this.closing
  }

  private async close(timeoutMs: number): Promise<boolean> {
    this.closed = true
    const flushed = await this.flush(timeoutMs)
    clearTimeout(this.timer)
    this.timer = undefined
    if (!flushed) {
      this.abort.abort() // the deadline passed: stop the request in flight rather than wait on it
      // The aborted request settles at once and counts its batch as dropped; wait for that (briefly)
      // so the drop counters are final when shutdown resolves.
      if (this.inFlight !== undefined) await this.race(this.inFlight, ABORT_SETTLE_MS)
      const left = this.queue.drain().length
      if (left > 0) this.hooks.onDrop('shutdown', left)
    }
    return flushed
  }

  private async race(promise: Promise<void> | undefined, ms: number): Promise<void> {
    const timer = sleep(ms)
    try {
      await (promise ? Promise.race([promise, timer.promise]) : timer.promise)
    } finally {
      timer.cancel()
    }
  }

  private schedule(delayMs: number): void {
    const at = Math.max(Date.now() + delayMs, this.backoffUntil)
    if (this.timer !== undefined && this.timerAt <= at) return
    clearTimeout(this.timer)
    this.timerAt = at
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.timerAt = Number.POSITIVE_INFINITY
      this.start()
    }, at - Date.now())
    unrefTimer(this.timer) // a pending batch must never keep the application alive; beforeExit flushes
  }

  private start(): void {
    if (this.inFlight !== undefined || this.queue.length === 0) return
    if (Date.now() < this.backoffUntil) return this.schedule(0)
    this.inFlight = this.exportOnce().finally(() => {
      this.inFlight = undefined
      this.afterExport()
    })
  }

  private afterExport(): void {
    if (this.queue.length === 0 || this.closed) return
    const full =
      this.queue.length >= this.settings.batch.maxEvents ||
      this.queue.bytes >= this.settings.batch.maxBytes
    // A gated call queued behind the request in flight must not also wait out the interval.
    this.schedule(full || this.urgentQueued ? 0 : this.settings.batch.intervalMs)
  }

  /** Takes entries from the front until a bound is reached; serializes each on the way. */
  private takeBatch(): Entry<T>[] {
    const batch: Entry<T>[] = []
    let bytes = 0
    while (batch.length < this.settings.batch.maxEvents) {
      const entry = this.queue.shift()
      if (entry === undefined) break
      if (entry.json === undefined) {
        const serialized = this.hooks.serialize(entry.item)
        if (serialized === undefined) continue
        entry.json = serialized.json
        entry.bytes = serialized.bytes
      }
      if (batch.length > 0 && bytes + entry.bytes + 1 > this.settings.batch.maxBytes) {
        this.queue.requeue([entry])
        break
      }
      batch.push(entry)
      bytes += entry.bytes + 1
    }
    return batch
  }

  private async exportOnce(): Promise<void> {
    await this.hooks.ready()
    const batch = this.takeBatch()
    // Queue order is send order, so once the queue is empty every urgent item is in a batch.
    if (this.queue.length === 0) this.urgentQueued = false
    if (batch.length === 0) return
    const now = Date.now()
    for (const entry of batch) entry.firstTriedAt ??= now
    const body = `{"events":[${batch.map((e) => e.json).join(',')}],"sentAt":"${new Date(now).toISOString()}"}`
    const outcome = await this.hooks.send(body, this.abort.signal)
    this.counters.batches += 1
    this.settle(batch, outcome)
  }

  private settle(batch: Entry<T>[], outcome: SendOutcome): void {
    switch (outcome.kind) {
      case 'accepted':
        this.failures = 0
        this.counters.sent += batch.length - outcome.rejected.length
        this.counters.rejected += outcome.rejected.length
        for (const rejected of outcome.rejected)
          this.hooks.onRejected(rejected, batch[rejected.index]?.item)
        return
      case 'encoding_refused':
        this.hooks.debug('the API refused gzip; sending uncompressed from now on')
        this.hooks.onEncodingRefused()
        this.queue.requeue(batch)
        return
      case 'failed':
        this.failures = 0
        this.hooks.onError(outcome.error)
        this.hooks.onDrop('non_retriable', batch.length, outcome.error)
        return
      case 'retry':
        return this.retryLater(batch, outcome.error, outcome.retryAfterMs)
    }
  }

  private retryLater(
    batch: Entry<T>[],
    error: AnansiError,
    retryAfterMs: number | undefined,
  ): void {
    if (this.closed && this.abort.signal.aborted) {
      this.hooks.onDrop('shutdown', batch.length, error)
      return
    }
    this.failures += 1
    this.counters.retries += 1
    const now = Date.now()
    const keep = batch.filter((e) => now - (e.firstTriedAt ?? now) < this.settings.retry.deadlineMs)
    if (keep.length < batch.length) {
      this.hooks.onError(error)
      this.hooks.onDrop('retries_exhausted', batch.length - keep.length, error)
    }
    const delay = backoffDelay(this.failures, this.settings.retry, retryAfterMs)
    this.hooks.debug(`send failed (${error.message}); retrying in ${Math.round(delay)} ms`)
    this.backoffUntil = now + delay
    this.queue.requeue(keep)
    this.schedule(0)
  }
}
