import { z } from 'zod'
import { countSchema, shortIdSchema, timestampSchema } from './primitives.js'

/** Streaming statistics a detector can use: classic (decayed mean/variance) or robust (median/MAD). */
export const detectorMethodSchema = z.enum(['zscore', 'robust_zscore'])

/** A metric observation that deviated from its (project, model, metric) baseline. */
export const anomalySchema = z.strictObject({
  metric: z
    .string()
    .min(1)
    .max(128)
    .describe('e.g. evaluator.toxicity.score, unsafe_rate, latency_ms, output_tokens, error_rate'),
  model: shortIdSchema,
  method: detectorMethodSchema,
  value: z.number(),
  baseline: z.number().describe('mean (zscore) or median (robust_zscore) before this value'),
  spread: z.number().nonnegative().describe('standard deviation or scaled MAD before this value'),
  zScore: z.number(),
  threshold: z.number().positive(),
  samples: countSchema,
  detectedAt: timestampSchema,
})

/** Detector method as a TypeScript type. */
export type DetectorMethod = z.infer<typeof detectorMethodSchema>
/** An anomaly as a TypeScript type. */
export type Anomaly = z.infer<typeof anomalySchema>
