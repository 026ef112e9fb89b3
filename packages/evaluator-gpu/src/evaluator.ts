import type { EvaluationResult, EvaluatorTier } from '@anansi/protocol'

/**
 * What an evaluator looks at: the text, which side of the call it is, and optional grounding
 * context. Bytes are decoded as strict UTF-8 (invalid sequences raise `invalid_input`); every
 * field is validated at run time, since callers may be plain JavaScript.
 */
export interface EvaluationInput {
  text: string | Uint8Array
  target: 'input' | 'output' | 'both'
  /**
   * Retrieval documents the text should be grounded in (hallucination with context); `jailbreak`
   * also scans them for planted instructions (indirect prompt injection).
   */
  context?: readonly string[]
  /** Tool-role message contents (function results) the model read; scanned like `context`. */
  toolOutputs?: readonly string[]
}

/**
 * One evaluator (toxicity, jailbreak, pii, …). Every tier implements this one interface, so the
 * pipeline, the SDK's local gate and the test runner never care how a score was computed.
 */
export interface Evaluator {
  /** The evaluator name in results (`gen_ai.evaluation.name`). */
  readonly name: string
  readonly modelId: string
  readonly modelVersion: string
  readonly tier: EvaluatorTier
  /** Evaluates a batch; results are in input order, one per input. */
  evaluate(inputs: readonly EvaluationInput[]): Promise<EvaluationResult[]>
  /** Releases sessions and timers; safe to call twice. */
  close(): Promise<void>
}
