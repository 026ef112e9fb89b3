/** Nearest-rank percentile of already sorted values (`p` in 0..100); NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN
}

/** The median of some values (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  if (sorted.length === 0) return Number.NaN
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2
}

/** Rounds for the report: `digits` decimals, integers from 100 up (null for NaN, which JSON cannot hold). */
export function round(value: number, digits = 2): number | null {
  if (!Number.isFinite(value)) return null
  if (Math.abs(value) >= 100) return Math.round(value)
  const scale = 10 ** digits
  return Math.round(value * scale) / scale
}

/** Latency percentiles of a sample, in milliseconds. */
export interface Distribution {
  count: number
  p50: number | null
  p90: number | null
  p99: number | null
  max: number | null
}

/** p50/p90/p99/max of some durations in milliseconds. */
export function distribution(values: readonly number[], digits = 2): Distribution {
  const sorted = [...values].sort((a, b) => a - b)
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50), digits),
    p90: round(percentile(sorted, 90), digits),
    p99: round(percentile(sorted, 99), digits),
    max: round(sorted.at(-1) ?? Number.NaN, digits),
  }
}
