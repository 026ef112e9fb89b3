import { z } from 'zod'
import { evaluationResultSchema } from './evaluation.js'
import { eventSchema } from './event.js'
import { timestampSchema } from './primitives.js'

const MAX_EVALUATE_CHARS = 100_000

/** The body of `POST /v1/evaluate`: the text(s) of one call, and optionally which evaluators to run. */
export const evaluateRequestSchema = z.strictObject({
  input: z.string().max(MAX_EVALUATE_CHARS).optional(),
  output: z.string().max(MAX_EVALUATE_CHARS).optional(),
  context: z.array(z.string().max(MAX_EVALUATE_CHARS)).max(32).optional(),
  /** Tool results the model read (function / tool-role messages): scanned for planted instructions. */
  toolOutputs: z.array(z.string().max(MAX_EVALUATE_CHARS)).max(32).optional(),
  evaluators: z.array(z.string().min(1).max(64)).min(1).max(32).optional(),
})

/** The answer of `POST /v1/evaluate`: every result and the folded decision (nothing is stored). */
export const evaluateResponseSchema = z.strictObject({
  safe: z.boolean(),
  action: z.enum(['allow', 'block']),
  score: z.number().min(0).max(1),
  policy: z.string(),
  evaluations: z.array(evaluationResultSchema),
})

/** The answer of `GET /v1/events/{id}`: the event as stored and when the platform received it. */
export const storedEventSchema = z.strictObject({
  event: eventSchema,
  receivedAt: timestampSchema,
})

/** The evaluate request as a TypeScript type. */
export type EvaluateRequest = z.infer<typeof evaluateRequestSchema>
/** The evaluate response as a TypeScript type. */
export type EvaluateResponse = z.infer<typeof evaluateResponseSchema>
/** A stored event as a TypeScript type. */
export type StoredEventBody = z.infer<typeof storedEventSchema>
