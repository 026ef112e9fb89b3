import type { EvaluationResult, EvaluatorTier } from '@anansi/protocol'

/** Everything needed to turn one row of probabilities into a protocol result. */
export interface ClassifierOutput {
  evaluator: string
  modelId: string
  modelVersion: string
  tier: EvaluatorTier
  target: EvaluationResult['target']
  activation: 'sigmoid' | 'softmax'
  labels: readonly string[]
  primaryLabel: string
  thresholds: Readonly<Record<string, number>>
  probabilities: ArrayLike<number>
  latencyMs: number
  truncated: boolean
}

const clamp01 = (value: number): number =>
  Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0

/**
 * Maps classifier probabilities to an evaluation result. `score` is the primary label's
 * probability. Multi-label (sigmoid): flagged when any label reaches its threshold, and `label` is
 * the flagged label with the highest probability (`none` otherwise). Multi-class (softmax): `label`
 * is the most probable class, flagged when the primary class reaches its threshold. Multi-label
 * results carry each label's own threshold in `details` (see `flaggedUnder`).
 */
export function toEvaluationResult(output: ClassifierOutput): EvaluationResult {
  const scores: Record<string, number> = {}
  output.labels.forEach((label, i) => (scores[label] = clamp01(output.probabilities[i] ?? 0)))
  const score = scores[output.primaryLabel] ?? 0
  const threshold = output.thresholds[output.primaryLabel] ?? 0.5
  let label = 'none'
  let flagged: boolean
  if (output.activation === 'softmax') {
    label = output.labels.reduce(
      (best, l) => ((scores[l] ?? 0) > (scores[best] ?? 0) ? l : best),
      output.labels[0] ?? 'none',
    )
    flagged = score >= threshold
  } else {
    const over = output.labels.filter((l) => (scores[l] ?? 0) >= (output.thresholds[l] ?? 0.5))
    flagged = over.length > 0
    if (flagged)
      label = over.reduce((best, l) => ((scores[l] ?? 0) > (scores[best] ?? 0) ? l : best))
  }
  // A multi-label result names its labels' own thresholds, so a policy can move one of them.
  const perLabel =
    output.activation === 'sigmoid' && output.labels.length > 1
      ? {
          details: {
            labelThresholds: Object.fromEntries(
              output.labels.map((l) => [l, output.thresholds[l] ?? 0.5]),
            ),
          },
        }
      : {}
  return {
    evaluator: output.evaluator,
    modelId: output.modelId,
    modelVersion: output.modelVersion,
    tier: output.tier,
    target: output.target,
    score,
    label,
    labels: scores,
    threshold,
    flagged,
    latencyMs: output.latencyMs,
    ...(output.truncated ? { truncated: true } : {}),
    ...perLabel,
  }
}
