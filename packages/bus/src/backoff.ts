/** Exponential backoff with full jitter: about 100 ms after the first failure, at most `capMs`. */
export function retryDelayMs(attempt: number, capMs = 5_000): number {
  const ceiling = Math.min(capMs, 100 * 2 ** Math.max(0, attempt - 1))
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2)
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
