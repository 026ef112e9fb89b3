import type { MiddlewareHandler } from 'hono'
import { ApiError } from './api-error.js'
import type { AuthVariables } from './auth.js'

/** Token bucket settings: `burst` requests at once, refilled at `perSecond`. */
export interface RateLimitOptions {
  perSecond: number
  burst: number
  /** Buckets kept in memory before the least recently used are forgotten. */
  maxKeys?: number
}

interface Bucket {
  tokens: number
  updated: number
}

/** Per-key token buckets, in memory (each replica limits on its own). */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>()

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one token for `key`; returns 0 when allowed, else the seconds until one is available. */
  take(key: string): number {
    const now = this.now()
    const bucket = this.buckets.get(key) ?? { tokens: this.options.burst, updated: now }
    bucket.tokens = Math.min(
      this.options.burst,
      bucket.tokens + ((now - bucket.updated) / 1000) * this.options.perSecond,
    )
    bucket.updated = now
    this.buckets.delete(key) // re-insert: Map order doubles as least-recently-used order
    this.buckets.set(key, bucket)
    if (this.buckets.size > (this.options.maxKeys ?? 100_000))
      this.buckets.delete(this.buckets.keys().next().value ?? '')
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return 0
    }
    return (1 - bucket.tokens) / this.options.perSecond
  }
}

/** 429 with `Retry-After` once a key has used its bucket. */
export function rateLimit(buckets: TokenBuckets): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const wait = buckets.take(c.get('auth').keyId)
    if (wait > 0) {
      const retryAfterSeconds = Math.max(1, Math.ceil(wait))
      c.header('Retry-After', String(retryAfterSeconds))
      throw new ApiError(429, 'rate_limited', 'rate limit exceeded for this API key', {
        retryAfterSeconds,
      })
    }
    await next()
  }
}
