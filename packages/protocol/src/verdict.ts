import { z } from 'zod'
import { anomalySchema } from './anomaly.js'
import { evaluationResultSchema } from './evaluation.js'
import { durationMsSchema, timestampSchema, unitScoreSchema, uuidV7Schema } from './primitives.js'

/** Who decided a verdict: the SDK's in-process evaluator, or the platform. */
export const verdictSourceSchema = z.enum(['local', 'remote'])

/** What the gate should do with the answer. */
export const verdictActionSchema = z.enum(['allow', 'block'])

/** The decision about one event: safe or not, and why. */
export const verdictSchema = z.strictObject({
  eventId: uuidV7Schema,
  safe: z.boolean(),
  action: verdictActionSchema,
  score: unitScoreSchema.describe(
    'overall risk: the highest evaluator score that counts towards the policy',
  ),
  evaluations: z.array(evaluationResultSchema).max(64),
  anomalies: z.array(anomalySchema).max(256),
  decidedBy: verdictSourceSchema,
  policy: z.string().min(1).max(128).optional(),
  decidedAt: timestampSchema,
  latencyMs: durationMsSchema.describe('event timestamp (or receipt) to decision, in milliseconds'),
})

/** Verdict source as a TypeScript type. */
export type VerdictSource = z.infer<typeof verdictSourceSchema>
/** A verdict as a TypeScript type. */
export type Verdict = z.infer<typeof verdictSchema>
