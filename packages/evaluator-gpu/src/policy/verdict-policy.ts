import type { EvaluationResult } from '@anansi/protocol'
import { z } from 'zod'

/** How one evaluator counts towards the verdict. */
export const evaluatorRuleSchema = z.object({
  /** Run it at all. */
  enabled: z.boolean().default(true),
  /** A flagged result makes the answer unsafe (otherwise it is recorded only). */
  blocks: z.boolean().default(true),
  /** Override the model's own threshold for this project. */
  threshold: z.number().min(0).max(1).optional(),
})

/** A project's verdict policy: per-evaluator rules and which tier's results may gate. */
export const verdictPolicySchema = z.object({
  name: z.string().min(1).default('default'),
  /** `lexical` gates on sub-millisecond models only; `semantic` only on embedding models; `any` on both. */
  gatingTier: z.enum(['lexical', 'semantic', 'any']).default('any'),
  evaluators: z.record(z.string(), evaluatorRuleSchema).default({}),
})

/** An evaluator rule as a TypeScript type. */
export type EvaluatorRule = z.infer<typeof evaluatorRuleSchema>
/** A verdict policy as a TypeScript type (after defaults). */
export type VerdictPolicy = z.infer<typeof verdictPolicySchema>
/** A verdict policy as written by a user (defaults optional). */
export type VerdictPolicyInput = z.input<typeof verdictPolicySchema>

/**
 * The default: harmful content, attacks, bias and leaked PII block; hallucination and refusal are
 * recorded but never block on their own (a refusal is the safe outcome; grounding scores inform).
 */
export const DEFAULT_POLICY: VerdictPolicy = verdictPolicySchema.parse({
  name: 'default',
  evaluators: {
    toxicity: { blocks: true },
    jailbreak: { blocks: true },
    harmful_request: { blocks: true },
    bias: { blocks: true },
    pii: { blocks: true },
    hallucination: { blocks: false },
    refusal: { blocks: false },
  },
})

/** The decision a policy reaches over a set of results. */
export interface PolicyDecision {
  safe: boolean
  action: 'allow' | 'block'
  score: number
  /** Results that made the answer unsafe. */
  reasons: EvaluationResult[]
  policy: string
}

/** Whether a result is flagged under the policy (its own threshold or the project's override). */
export function flaggedUnder(policy: VerdictPolicy, result: EvaluationResult): boolean {
  const threshold = policy.evaluators[result.evaluator]?.threshold
  return threshold === undefined ? result.flagged : result.score >= threshold
}

/** Folds evaluation results into safe/unsafe. Unknown evaluators (custom models) block when flagged. */
export function decide(
  policy: VerdictPolicy,
  results: readonly EvaluationResult[],
): PolicyDecision {
  const counted = results.filter((r) => {
    const rule = policy.evaluators[r.evaluator]
    if (rule?.enabled === false) return false
    return (
      policy.gatingTier === 'any' ||
      r.tier === policy.gatingTier ||
      r.tier === 'rule' ||
      r.tier === 'custom'
    )
  })
  const reasons = counted.filter(
    (r) => (policy.evaluators[r.evaluator]?.blocks ?? true) && flaggedUnder(policy, r),
  )
  const blocking = counted.filter((r) => policy.evaluators[r.evaluator]?.blocks ?? true)
  const score = blocking.reduce((max, r) => Math.max(max, r.score), 0)
  return {
    safe: reasons.length === 0,
    action: reasons.length === 0 ? 'allow' : 'block',
    score,
    reasons,
    policy: policy.name,
  }
}
