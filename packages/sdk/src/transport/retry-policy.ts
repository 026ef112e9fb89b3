/** HTTP statuses worth retrying: rate limiting and gateway trouble, never a client error. */
export const RETRIABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504])

/** Whether an HTTP status is worth retrying. */
export function isRetriableStatus(status: number): boolean {
  return RETRIABLE_STATUSES.has(status)
}

/**
 * Reads `Retry-After` (delta seconds or an HTTP date) as milliseconds from `now`; undefined when
 * absent or unreadable.
 */
export function parseRetryAfter(
  header: string | null,
  now: number = Date.now(),
): number | undefined {
  if (header === null) return undefined
  const trimmed = header.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined
}

/** Backoff settings. */
export interface BackoffOptions {
  initialDelayMs: number
  maxDelayMs: number
}

/**
 * Delay before retry number `attempt` (1-based): exponential with "equal jitter" (half fixed,
 * half random) so clients that failed together do not retry together. A server's Retry-After
 * wins when longer, since it knows its own load.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(
    options.maxDelayMs,
    options.initialDelayMs * 2 ** Math.max(0, attempt - 1),
  )
  const jittered = exponential / 2 + (random() * exponential) / 2
  return retryAfterMs === undefined ? jittered : Math.max(retryAfterMs, jittered)
}
