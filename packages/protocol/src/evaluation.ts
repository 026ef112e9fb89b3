import { z } from 'zod'
import { durationMsSchema, jsonValueSchema, slugSchema, unitScoreSchema } from './primitives.js'

/** Names of the evaluators that ship with Anansi; registered custom models add their own slugs. */
export const BUILTIN_EVALUATORS = [
  'toxicity',
  'jailbreak',
  'harmful_request',
  'refusal',
  'bias',
  'hallucination',
  'pii',
] as const

/** A built-in evaluator name. */
export type BuiltinEvaluatorName = (typeof BUILTIN_EVALUATORS)[number]

/** Which tier produced a result: lexical (sub-millisecond), semantic (embeddings), rule (deterministic). */
export const evaluatorTierSchema = z.enum(['lexical', 'semantic', 'rule', 'custom'])

/** A character span in the evaluated text (UTF-16 offsets, end exclusive), e.g. a PII match. */
export const textSpanSchema = z.strictObject({
  start: z.int().nonnegative(),
  end: z.int().nonnegative(),
  label: z.string().min(1).max(64),
  score: unitScoreSchema.optional(),
})

/** The result of one evaluator on one event (`gen_ai.evaluation.result`). */
export const evaluationResultSchema = z.strictObject({
  evaluator: slugSchema.describe('gen_ai.evaluation.name'),
  modelId: z.string().min(1).max(128),
  modelVersion: z.string().min(1).max(64),
  tier: evaluatorTierSchema,
  target: z.enum(['input', 'output', 'both']),
  score: unitScoreSchema.describe('gen_ai.evaluation.score.value; higher means riskier'),
  label: z.string().min(1).max(64).describe('gen_ai.evaluation.score.label'),
  labels: z.record(z.string().min(1).max(64), unitScoreSchema).optional(),
  threshold: unitScoreSchema,
  flagged: z.boolean(),
  latencyMs: durationMsSchema,
  truncated: z.boolean().optional(),
  spans: z.array(textSpanSchema).max(1024).optional(),
  details: jsonValueSchema.optional(),
})

/** Evaluator tier as a TypeScript type. */
export type EvaluatorTier = z.infer<typeof evaluatorTierSchema>
/** A text span as a TypeScript type. */
export type TextSpan = z.infer<typeof textSpanSchema>
/** One evaluator's result as a TypeScript type. */
export type EvaluationResult = z.infer<typeof evaluationResultSchema>
