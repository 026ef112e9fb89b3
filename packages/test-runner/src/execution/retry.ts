import { ProviderError } from '../providers/provider.js'
import { sleep } from './abortable-sleep.js'

/** How failed provider calls are retried. */
export interface RetryOptions {
  /** Attempts after the first (default 4). */
  maxRetries?: number
  /** First backoff when the server names no wait (default 500 ms), doubled per attempt. */
  baseDelayMs?: number
  /** Longest single wait, `retry-after` included (default 60 s). */
  maxDelayMs?: number
  /** Random source for jitter, for tests. */
  random?: () => number
}

/** The wait before retry number `attempt` (1-based): the server's ask, else full-jitter backoff. */
export function backoffDelay(
  attempt: number,
  error: ProviderError,
  options: RetryOptions = {},
): number {
  const max = options.maxDelayMs ?? 60_000
  if (error.retryAfterMs !== undefined) return Math.min(error.retryAfterMs, max)
  const base = options.baseDelayMs ?? 500
  const ceiling = Math.min(max, base * 2 ** (attempt - 1))
  const random = options.random ?? Math.random
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retriable error, or has been retried
 * `maxRetries` times; waits are cut short by `signal`. `onRetry` sees each retriable failure.
 */
export async function withRetries<T>(
  attempt: (n: number) => Promise<T>,
  options: RetryOptions & {
    signal?: AbortSignal
    onRetry?: (error: ProviderError, attempt: number, delayMs: number) => void
  } = {},
): Promise<{ value: T; attempts: number }> {
  const maxRetries = options.maxRetries ?? 4
  for (let n = 1; ; n++) {
    try {
      return { value: await attempt(n), attempts: n }
    } catch (error) {
      if (!(error instanceof ProviderError) || !error.retriable || n > maxRetries) throw error
      const delay = backoffDelay(n, error, options)
      options.onRetry?.(error, n, delay)
      // A 429 already paused the provider's limiter for retry-after: the slot wait covers it.
      await sleep(error.kind === 'rate_limited' ? 0 : delay, options.signal)
    }
  }
}
