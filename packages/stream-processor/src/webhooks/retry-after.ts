const DELAY_SECONDS = /^\d+$/

/**
 * Parses a `Retry-After` header (delay in seconds, or an HTTP date) into milliseconds from `now`;
 * undefined when absent or unparseable. A date in the past means "now" (0).
 */
export function parseRetryAfterMs(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (DELAY_SECONDS.test(trimmed)) {
    const ms = Number(trimmed) * 1000
    return Number.isSafeInteger(ms) ? ms : undefined
  }
  // Only HTTP dates contain a letter (the weekday/month); this keeps `Date.parse` from reading
  // bare numbers like "-1" or "1.5" as years.
  if (!/[a-z]/i.test(trimmed)) return undefined
  const at = Date.parse(trimmed)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime())
}
