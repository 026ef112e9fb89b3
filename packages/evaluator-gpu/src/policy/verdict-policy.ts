import type { EvaluationResult } from '@anansi/protocol'
import { z } from 'zod'

/** How one evaluator counts towards the verdict; a field left out keeps the default policy's value. */
export const evaluatorRuleSchema = z.object({
  /** Run it at all (default: yes). */
  enabled: z.boolean().optional(),
  /** A flagged result makes the answer unsafe; otherwise it is only recorded (default: DEFAULT_POLICY's). */
  blocks: z.boolean().optional(),
  /** Override the model's own threshold for this project (for a multi-label model: every label's). */
  threshold: z.number().min(0).max(1).optional(),
  /**
   * Per-label thresholds of a multi-label evaluator (toxicity: `hate`, `threat`, `sexual` …): block
   * threats from 0.3 but hate only from 0.8. They win over `threshold`; labels named by neither keep
   * the model's own thresholds.
   */
  labelThresholds: z.record(z.string().min(1).max(64), z.number().min(0).max(1)).optional(),
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

/**
 * The rule a policy applies to an evaluator: its own fields, then the default policy's for that
 * evaluator, so `{ toxicity: { threshold: 0.6 } }` does not make hallucination or refusal block.
 * Evaluators the default does not know (custom models) are enabled and block.
 */
export function ruleFor(
  policy: VerdictPolicy,
  evaluator: string,
): EvaluatorRule & { enabled: boolean; blocks: boolean } {
  const own = policy.evaluators[evaluator]
  const fallback = DEFAULT_POLICY.evaluators[evaluator]
  return {
    ...own,
    enabled: own?.enabled ?? fallback?.enabled ?? true,
    blocks: own?.blocks ?? fallback?.blocks ?? true,
  }
}

/** The decision a policy reaches over a set of results. */
export interface PolicyDecision {
  safe: boolean
  action: 'allow' | 'block'
  score: number
  /** Results that made the answer unsafe. */
  reasons: EvaluationResult[]
  policy: string
}

/** What a multi-label result carries so that a policy can move one label's threshold. */
const perLabelDetailsSchema = z.object({ labelThresholds: z.record(z.string(), z.number()) })

/**
 * Whether a result is flagged under the policy: the model's own decision unless the project moves
 * a threshold. A multi-label result (its `details` name each label's own threshold) is flagged when
 * any label reaches its threshold: `labelThresholds[label]`, else `threshold`, else the model's.
 * Any other result compares its `score` with `threshold` and, where `labelThresholds` names one of
 * its `labels`, that label too.
 */
export function flaggedUnder(policy: VerdictPolicy, result: EvaluationResult): boolean {
  const rule = policy.evaluators[result.evaluator]
  const override = rule?.threshold
  const byLabel = rule?.labelThresholds
  if (override === undefined && byLabel === undefined) return result.flagged
  const scores = result.labels ?? {}
  const own = perLabelDetailsSchema.safeParse(result.details)
  if (own.success) {
    const { labelThresholds } = own.data
    return Object.entries(scores).some(([label, score]) => {
      const threshold = byLabel?.[label] ?? override ?? labelThresholds[label]
      return threshold !== undefined && score >= threshold
    })
  }
  const primaryFlagged = override === undefined ? result.flagged : result.score >= override
  const labelFlagged = Object.entries(byLabel ?? {}).some(
    ([label, threshold]) => (scores[label] ?? -1) >= threshold,
  )
  return primaryFlagged || labelFlagged
}

/** Folds evaluation results into safe/unsafe. Unknown evaluators (custom models) block when flagged. */
export function decide(
  policy: VerdictPolicy,
  results: readonly EvaluationResult[],
): PolicyDecision {
  const counted = results.filter((r) => {
    if (!ruleFor(policy, r.evaluator).enabled) return false
    return (
      policy.gatingTier === 'any' ||
      r.tier === policy.gatingTier ||
      r.tier === 'rule' ||
      r.tier === 'custom'
    )
  })
  const reasons = counted.filter(
    (r) => ruleFor(policy, r.evaluator).blocks && flaggedUnder(policy, r),
  )
  const blocking = counted.filter((r) => ruleFor(policy, r.evaluator).blocks)
  const score = blocking.reduce((max, r) => Math.max(max, r.score), 0)
  return {
    safe: reasons.length === 0,
    action: reasons.length === 0 ? 'allow' : 'block',
    score,
    reasons,
    policy: policy.name,
  }
}
