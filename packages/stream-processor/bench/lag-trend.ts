// Whether consumer lag stays flat over a paced run, judged by the trend of the samples rather than
// by comparing two half-means (which a single spike at the end, or a slow steady climb, can fool).

/** One lag reading: seconds since the run started and the group's total lag then. */
export interface LagSample {
  second: number
  lag: number
}

/** The least-squares trend of lag over a run and whether it counts as flat. */
export interface LagTrend {
  /** Fitted growth of the lag, in events per second of run time. */
  slopePerSecond: number
  /** What the fitted trend adds over the whole run (slope × duration). */
  growthOverRun: number
  /** The most growth still called flat: one second of input at the paced rate. */
  allowedGrowth: number
  flat: boolean
}

/**
 * Fits lag = a + b·second by least squares and calls the lag flat when the trend adds less than
 * one second of input (`rate` events) over the run: a processor that falls behind by even a few
 * percent of its input grows more than that in a minute, while noise around a steady level does not.
 */
export function lagTrend(samples: readonly LagSample[], rate: number): LagTrend {
  const n = samples.length
  if (n < 2) return { slopePerSecond: 0, growthOverRun: 0, allowedGrowth: rate, flat: true }
  const meanX = samples.reduce((sum, s) => sum + s.second, 0) / n
  const meanY = samples.reduce((sum, s) => sum + s.lag, 0) / n
  let covariance = 0
  let variance = 0
  for (const s of samples) {
    covariance += (s.second - meanX) * (s.lag - meanY)
    variance += (s.second - meanX) ** 2
  }
  const slope = variance === 0 ? 0 : covariance / variance
  const duration = (samples.at(-1)?.second ?? 0) - (samples[0]?.second ?? 0)
  const growth = slope * duration
  return {
    slopePerSecond: slope,
    growthOverRun: growth,
    allowedGrowth: rate,
    flat: growth < rate,
  }
}
