import { z } from 'zod'

/** Checkpointable state of an exponentially decayed mean and variance. */
export const decayedStateSchema = z.object({
  mean: z.number(),
  variance: z.number().nonnegative(),
  samples: z.int().nonnegative(),
})

/** Decayed statistics state as a TypeScript type. */
export type DecayedState = z.infer<typeof decayedStateSchema>

/** What one observation looked like against the baseline before it. */
export interface Scored {
  baseline: number
  spread: number
  zScore: number
  /** Observations in the baseline before this one. */
  samples: number
}

/**
 * Streaming mean and variance with exponential decay (West's incremental form), so the baseline
 * follows slow drift while a sudden shift stands out. The observation is scored against the
 * baseline *before* it is folded in: an outlier never hides itself.
 */
export class DecayedZScore {
  private readonly alpha: number

  constructor(
    halfLife: number,
    private readonly floor: number,
    private state: DecayedState = { mean: 0, variance: 0, samples: 0 },
  ) {
    this.alpha = 1 - 2 ** (-1 / halfLife)
  }

  /** Scores `value` against the current baseline, then updates the baseline with it. */
  observe(observed: number): Scored {
    // -0 reads back from the JSON checkpoint as 0; normalise so restored and live detectors agree.
    const value = observed + 0
    const { mean, variance, samples } = this.state
    const spread = Math.max(Math.sqrt(variance), this.floor)
    const scored = {
      baseline: mean,
      spread,
      zScore: samples === 0 ? 0 : (value - mean) / spread,
      samples,
    }
    if (samples === 0) {
      this.state = { mean: value, variance: 0, samples: 1 }
    } else {
      // Until the decayed weight dominates, a plain running mean converges faster than alpha would.
      const weight = Math.max(this.alpha, 1 / (samples + 1))
      const diff = value - mean
      const increment = weight * diff
      this.state = {
        mean: mean + increment,
        variance: (1 - weight) * (variance + diff * increment),
        samples: samples + 1,
      }
    }
    return scored
  }

  /** The state to checkpoint. */
  snapshot(): DecayedState {
    return { ...this.state }
  }
}
