/** Summary statistics of a sample of durations, in milliseconds. */
export interface LatencySummary {
  p50: number
  p99: number
  mean: number
  samples: number
}

/** Nearest-rank percentile of an unsorted sample. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank] ?? NaN
}

/** p50 / p99 / mean of a sample, rounded to microseconds. */
export function summarize(values: readonly number[]): LatencySummary {
  const round = (n: number): number => Math.round(n * 1000) / 1000
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length)
  return {
    p50: round(percentile(values, 50)),
    p99: round(percentile(values, 99)),
    mean: round(mean),
    samples: values.length,
  }
}

/** Times `iterations` sequential runs of `fn` after `warmup` unmeasured ones. */
export async function timeRuns(
  fn: () => Promise<unknown>,
  iterations: number,
  warmup = Math.ceil(iterations / 10),
): Promise<number[]> {
  for (let i = 0; i < warmup; i += 1) await fn()
  const durations: number[] = []
  for (let i = 0; i < iterations; i += 1) {
    const started = performance.now()
    await fn()
    durations.push(performance.now() - started)
  }
  return durations
}
