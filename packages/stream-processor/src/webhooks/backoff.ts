/** Default number of delivery attempts (the first try included) before a delivery is given up. */
export const MAX_ATTEMPTS = 8

/** Tuning for {@link nextRetryDelayMs}. */
export interface BackoffOptions {
  /** Ceiling of the first retry's delay. */
  baseMs?: number
  /** Ceiling of any delay. */
  maxMs?: number
  /** Uniform source in [0, 1); injectable so tests are deterministic. */
  random?: () => number
}

/** The largest delay the retry after `attempt` failed attempts may wait: min(max, base · 2^attempt). */
export function backoffCeilingMs(attempt: number, options: BackoffOptions = {}): number {
  const { baseMs = 1000, maxMs = 3_600_000 } = options
  const exponent = Number.isNaN(attempt) ? 0 : Math.max(0, attempt)
  return Math.max(0, Math.min(maxMs, baseMs * 2 ** exponent))
}

/**
 * Exponential backoff with full jitter: a uniform delay in [0, ceiling], so that receivers
 * recovering from an outage are not hit by every sender at the same instant.
 */
export function nextRetryDelayMs(attempt: number, options: BackoffOptions = {}): number {
  const ceiling = backoffCeilingMs(attempt, options)
  const sample = (options.random ?? Math.random)()
  // Clamp a misbehaving injected random source rather than leave the range.
  const unit = Number.isFinite(sample) ? Math.min(1, Math.max(0, sample)) : 0
  return Math.floor(unit * ceiling)
}
