/** A seeded PRNG (mulberry32): the same seed gives the same intervals on every machine. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A proportion with its percentile-bootstrap 95% confidence interval. */
export interface Rate {
  /** Successes (e.g. attacks that succeeded). */
  k: number
  /** Trials. */
  n: number
  /** k / n, or null when n is 0. */
  rate: number | null
  /** [low, high], or null when n is 0. */
  ci95: [number, number] | null
}

/** Options for bootstrap intervals. */
export interface BootstrapOptions {
  /** Resamples (default 2000). */
  resamples?: number
  seed?: number
}

function quantile(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q
  const lo = Math.floor(position)
  const hi = Math.ceil(position)
  const a = sorted[lo] ?? 0
  const b = sorted[hi] ?? a
  return a + (b - a) * (position - lo)
}

/**
 * The proportion of true outcomes with a percentile-bootstrap 95% interval: resample the n
 * outcomes with replacement `resamples` times and take the 2.5th and 97.5th percentiles.
 */
export function bootstrapRate(outcomes: readonly boolean[], options: BootstrapOptions = {}): Rate {
  const n = outcomes.length
  const k = outcomes.filter(Boolean).length
  if (n === 0) return { k, n, rate: null, ci95: null }
  const resamples = options.resamples ?? 2000
  const random = mulberry32(options.seed ?? 0x5eed)
  const stats = new Float64Array(resamples)
  for (let r = 0; r < resamples; r++) {
    let hits = 0
    for (let i = 0; i < n; i++) if (outcomes[Math.floor(random() * n)] === true) hits++
    stats[r] = hits / n
  }
  stats.sort()
  return { k, n, rate: k / n, ci95: [quantile(stats, 0.025), quantile(stats, 0.975)] }
}

/**
 * A paired bootstrap interval for the difference of two rates over the same items (B − A):
 * resample item indices, so the pairing is kept.
 */
export function bootstrapPairedDifference(
  a: readonly boolean[],
  b: readonly boolean[],
  options: BootstrapOptions = {},
): { difference: number | null; ci95: [number, number] | null } {
  const n = Math.min(a.length, b.length)
  if (n === 0) return { difference: null, ci95: null }
  const value = (x: readonly boolean[]): number => x.slice(0, n).filter(Boolean).length / n
  const resamples = options.resamples ?? 2000
  const random = mulberry32(options.seed ?? 0x5eed)
  const stats = new Float64Array(resamples)
  for (let r = 0; r < resamples; r++) {
    let diff = 0
    for (let i = 0; i < n; i++) {
      const j = Math.floor(random() * n)
      diff += (b[j] === true ? 1 : 0) - (a[j] === true ? 1 : 0)
    }
    stats[r] = diff / n
  }
  stats.sort()
  return { difference: value(b) - value(a), ci95: [quantile(stats, 0.025), quantile(stats, 0.975)] }
}
