import { z } from 'zod'

/** How the anomaly detectors behave; every field has a default, so `{}` is a valid setting. */
export const detectorSettingsSchema = z.strictObject({
  /** Observations after which an old observation weighs half as much (decayed mean/variance). */
  halfLife: z.number().positive().default(500),
  /** |z| at or above which an observation is an anomaly. */
  threshold: z.number().positive().default(3),
  /** Observations a baseline needs before it may flag anything. */
  minSamples: z.int().min(2).default(30),
  /** Recent observations the robust (median/MAD) detector keeps. */
  robustWindow: z.int().min(5).max(2_001).default(201),
  /** Events folded into one observation of a rate metric (unsafe_rate, error_rate). */
  rateChunk: z.int().min(1).max(10_000).default(50),
  /** Which statistics run; each flags on its own. */
  methods: z
    .array(z.enum(['zscore', 'robust_zscore']))
    .min(1)
    .default(['zscore', 'robust_zscore']),
})

/** Detector settings as written by an operator (defaults optional). */
export type DetectorSettingsInput = z.input<typeof detectorSettingsSchema>
/** Detector settings after defaults. */
export type DetectorSettings = z.infer<typeof detectorSettingsSchema>

/**
 * The smallest spread a baseline may claim, per metric. A metric that has been constant (a model
 * that always answers 0.01 toxicity, a latency that never moved) has zero variance, and any change
 * at all would otherwise be an infinite z-score.
 */
export function spreadFloor(metric: string): number {
  if (metric === 'latency_ms' || metric === 'time_to_first_token_ms') return 1
  if (metric === 'output_tokens') return 1
  return 0.01
}
