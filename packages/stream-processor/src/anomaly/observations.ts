import type { LlmEvent, Verdict } from '@anansi/protocol'

/**
 * One number a detector watches. `rate` metrics are 0/1 per event and are folded into chunks
 * before detection: a single unsafe answer is not an anomaly, a jump in the unsafe rate is.
 */
export interface Observation {
  metric: string
  value: number
  kind: 'value' | 'rate'
  /** For evaluator scores: whether any of the evaluator's results was flagged (rate rules count these). */
  flagged?: boolean
}

/** The metric name of an evaluator's score, e.g. `evaluator.toxicity.score`. */
export function evaluatorMetric(evaluator: string): string {
  return `evaluator.${evaluator}.score`
}

/**
 * The metrics one decided event contributes: each evaluator's score (the highest over input and
 * output), the unsafe and error indicators, latency, time to first token and output tokens.
 */
export function observationsOf(
  event: LlmEvent,
  verdict: Pick<Verdict, 'safe' | 'evaluations'>,
): Observation[] {
  const scores = new Map<string, { score: number; flagged: boolean }>()
  for (const result of verdict.evaluations) {
    const seen = scores.get(result.evaluator)
    scores.set(result.evaluator, {
      score: Math.max(seen?.score ?? 0, result.score),
      flagged: (seen?.flagged ?? false) || result.flagged,
    })
  }
  const observations: Observation[] = [...scores].map(([evaluator, { score, flagged }]) => ({
    metric: evaluatorMetric(evaluator),
    value: score,
    kind: 'value',
    flagged,
  }))
  observations.push({ metric: 'unsafe_rate', value: verdict.safe ? 0 : 1, kind: 'rate' })
  observations.push({ metric: 'error_rate', value: event.status === 'error' ? 1 : 0, kind: 'rate' })
  if (event.latencyMs !== undefined)
    observations.push({ metric: 'latency_ms', value: event.latencyMs, kind: 'value' })
  if (event.timeToFirstTokenMs !== undefined)
    observations.push({
      metric: 'time_to_first_token_ms',
      value: event.timeToFirstTokenMs,
      kind: 'value',
    })
  if (event.usage?.outputTokens !== undefined)
    observations.push({ metric: 'output_tokens', value: event.usage.outputTokens, kind: 'value' })
  return observations
}
