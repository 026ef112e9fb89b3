import { TestRunnerError } from '../errors.js'

/** Limits for one provider. */
export interface AdaptiveLimiterOptions {
  /** The most calls in flight (the ceiling the limit recovers to). */
  maxConcurrency: number
  /** The floor a run of 429s can push the limit down to (default 1). */
  minConcurrency?: number
  /** Used when a 429 carries no `retry-after` (default 1000 ms). */
  defaultPauseMs?: number
  /** Clock, for tests. */
  now?: () => number
}

/** What the limiter did, for progress output, reports and tests. */
export interface LimiterStats {
  limit: number
  inFlight: number
  queued: number
  rateLimited: number
  /** The lowest the limit went. */
  lowestLimit: number
  /** Total time new calls were held back by `retry-after` pauses. */
  pausedMs: number
}

interface Waiter {
  resolve: (release: () => void) => void
  reject: (error: Error) => void
  signal: AbortSignal | undefined
  onAbort: () => void
}

/**
 * Per-provider concurrency that adapts to rate limits (AIMD, as TCP does): each 429 halves the
 * limit and pauses new calls for the server's `retry-after`; every `limit` successes in a row add
 * one slot back, so the limit recovers gradually to `maxConcurrency`.
 */
export class AdaptiveLimiter {
  private limitValue: number
  private active = 0
  private readonly waiters: Waiter[] = []
  private pausedUntil = 0
  private wakeTimer: NodeJS.Timeout | undefined
  private successes = 0
  private readonly min: number
  private readonly max: number
  private readonly defaultPauseMs: number
  private readonly now: () => number
  private stats = { rateLimited: 0, lowestLimit: 0, pausedMs: 0 }

  constructor(options: AdaptiveLimiterOptions) {
    if (!Number.isInteger(options.maxConcurrency) || options.maxConcurrency < 1)
      throw new RangeError('maxConcurrency must be a positive integer')
    this.max = options.maxConcurrency
    this.min = Math.min(Math.max(1, options.minConcurrency ?? 1), this.max)
    this.limitValue = this.max
    this.stats.lowestLimit = this.max
    this.defaultPauseMs = options.defaultPauseMs ?? 1000
    this.now = options.now ?? Date.now
  }

  /** The current concurrency limit. */
  get limit(): number {
    return this.limitValue
  }

  /** A snapshot of the limiter's state and history. */
  snapshot(): LimiterStats {
    return {
      limit: this.limitValue,
      inFlight: this.active,
      queued: this.waiters.length,
      ...this.stats,
    }
  }

  /** Waits for a slot; call the returned function exactly once when the call is over. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted === true)
      return Promise.reject(new TestRunnerError('cancelled', 'cancelled'))
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const index = this.waiters.indexOf(waiter)
          if (index >= 0) this.waiters.splice(index, 1)
          reject(new TestRunnerError('cancelled', 'cancelled'))
        },
      }
      signal?.addEventListener('abort', waiter.onAbort, { once: true })
      this.waiters.push(waiter)
      this.dispatch()
    })
  }

  /** Records a successful call: additive increase. */
  onSuccess(): void {
    if (this.limitValue >= this.max) return
    this.successes += 1
    if (this.successes >= this.limitValue) {
      this.successes = 0
      this.limitValue += 1
      this.dispatch()
    }
  }

  /** Records a 429: multiplicative decrease, and a pause for the server's requested wait. */
  onRateLimited(retryAfterMs?: number): void {
    this.stats.rateLimited += 1
    this.successes = 0
    this.limitValue = Math.max(this.min, Math.floor(this.limitValue / 2))
    this.stats.lowestLimit = Math.min(this.stats.lowestLimit, this.limitValue)
    const now = this.now()
    const until = now + Math.max(0, retryAfterMs ?? this.defaultPauseMs)
    if (until > this.pausedUntil) {
      this.stats.pausedMs += until - Math.max(now, this.pausedUntil)
      this.pausedUntil = until
    }
  }

  private release(): void {
    this.active -= 1
    this.dispatch()
  }

  private dispatch(): void {
    const wait = this.pausedUntil - this.now()
    if (wait > 0) {
      if (this.wakeTimer === undefined && this.waiters.length > 0) {
        this.wakeTimer = setTimeout(() => {
          this.wakeTimer = undefined
          this.dispatch()
        }, wait)
      }
      return
    }
    while (this.active < this.limitValue && this.waiters.length > 0) {
      const waiter = this.waiters.shift()
      if (waiter === undefined) break
      waiter.signal?.removeEventListener('abort', waiter.onAbort)
      this.active += 1
      let released = false
      waiter.resolve(() => {
        if (released) return
        released = true
        this.release()
      })
    }
  }
}
