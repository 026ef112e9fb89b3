import { z } from 'zod'
import type { Scored } from './decayed-zscore.js'

/** Checkpointable state of the robust detector: the recent window, oldest first. */
export const robustStateSchema = z.object({
  window: z.array(z.number()),
  samples: z.int().nonnegative(),
})

/** Robust detector state as a TypeScript type. */
export type RobustState = z.infer<typeof robustStateSchema>

/** MAD × this estimates the standard deviation of normally distributed data. */
const MAD_TO_SIGMA = 1.4826

function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1
  if (sorted.length % 2 === 1) return sorted[mid] ?? 0
  return ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

/** Index of the first element >= value (binary search). */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((sorted[mid] ?? 0) < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * The median of |x - center| over a sorted array without sorting the deviations: they grow
 * outwards from the center, so merging the two sides walks them in order (O(n), no allocation).
 */
function medianAbsoluteDeviation(sorted: readonly number[], center: number): number {
  const n = sorted.length
  const wanted = n % 2 === 1 ? [n >> 1] : [(n >> 1) - 1, n >> 1]
  let right = lowerBound(sorted, center)
  let left = right - 1
  let sum = 0
  for (let k = 0; k <= (wanted[wanted.length - 1] ?? 0); k += 1) {
    const dl = left >= 0 ? center - (sorted[left] ?? 0) : Infinity
    const dr = right < n ? (sorted[right] ?? 0) - center : Infinity
    const next = dl <= dr ? dl : dr
    if (dl <= dr) left -= 1
    else right += 1
    if (wanted.includes(k)) sum += next
  }
  return sum / wanted.length
}

/**
 * Median and median absolute deviation over a sliding window. Unlike the decayed mean, a burst of
 * outliers cannot drag the baseline along until it is more than half the window, so the robust
 * z-score keeps flagging a sustained fault that the classic one would soon absorb.
 */
export class RobustZScore {
  private window: number[]
  /** The same values, sorted, kept in step with the window so scoring never sorts. */
  private sorted: number[]
  private samples: number

  constructor(
    private readonly size: number,
    private readonly floor: number,
    state: RobustState = { window: [], samples: 0 },
  ) {
    this.window = state.window.slice(-size)
    this.sorted = [...this.window].sort((a, b) => a - b)
    this.samples = state.samples
  }

  /** Scores `value` against the window's median and scaled MAD, then slides the window. */
  observe(observed: number): Scored {
    // -0 would not survive the JSON checkpoint (it reads back as 0), so a restored detector
    // would report a different baseline sign than one that never stopped.
    const value = observed + 0
    const scored = this.score(value)
    this.window.push(value)
    this.sorted.splice(lowerBound(this.sorted, value), 0, value)
    if (this.window.length > this.size) {
      const oldest = this.window.shift() ?? value
      this.sorted.splice(lowerBound(this.sorted, oldest), 1)
    }
    this.samples += 1
    return scored
  }

  private score(value: number): Scored {
    if (this.window.length === 0) return { baseline: 0, spread: this.floor, zScore: 0, samples: 0 }
    const center = median(this.sorted)
    const spread = Math.max(medianAbsoluteDeviation(this.sorted, center) * MAD_TO_SIGMA, this.floor)
    return {
      baseline: center,
      spread,
      zScore: (value - center) / spread,
      samples: this.samples,
    }
  }

  /** The state to checkpoint. */
  snapshot(): RobustState {
    return { window: [...this.window], samples: this.samples }
  }
}
