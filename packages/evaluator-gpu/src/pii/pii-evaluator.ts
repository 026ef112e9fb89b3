import type { EvaluationResult, TextSpan } from '@anansi/protocol'
import { EvaluatorError } from '../errors.js'
import type { EvaluationInput, Evaluator } from '../evaluator.js'
import { guardInput } from '../runtime/input-guard.js'
import { detectPii, type DetectPiiOptions } from './detect-pii.js'
import { PII_SEVERITY } from './severity.js'
import { PII_ENTITY_TYPES, type PiiEntityType, type PiiSpan } from './types.js'

// The protocol caps spans per result; beyond it the result says `truncated` and keeps the first ones
// (as it does when the text itself was cut at MAX_INPUT_CHARS).
const MAX_SPANS = 1024
const THRESHOLD = 0.5

/**
 * One count as a [0, 1] label score: 1 − 0.5^count, so one finding sits exactly on the 0.5
 * threshold and more findings approach 1 without a cap to tune.
 */
export function countScore(count: number): number {
  return 1 - 0.5 ** count
}

/**
 * The rule-tier PII evaluator: deterministic detectors, no model. Score is the severity of the
 * worst entity found (see `PII_SEVERITY`), 0 when none; label is that entity type or `none`.
 */
export class PiiEvaluator implements Evaluator {
  readonly name = 'pii'
  readonly modelId = 'pii-rules'
  readonly modelVersion = '1.0.0'
  readonly tier = 'rule' as const
  private closed = false

  constructor(private readonly options: DetectPiiOptions = {}) {}

  /** Evaluates every input synchronously; rejects with `invalid_input` on a non-string text. */
  evaluate(inputs: readonly EvaluationInput[]): Promise<EvaluationResult[]> {
    try {
      if (this.closed) throw new EvaluatorError('closed', 'the pii evaluator is closed')
      if (!isList(inputs)) throw new EvaluatorError('invalid_input', 'inputs must be an array')
      return Promise.resolve(inputs.map((input) => this.evaluateOne(input)))
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)))
    }
  }

  /** Nothing to release; marks the evaluator closed. Safe to call twice. */
  close(): Promise<void> {
    this.closed = true
    return Promise.resolve()
  }

  private evaluateOne(input: EvaluationInput): EvaluationResult {
    const started = performance.now()
    // Callers outside TypeScript can pass anything; reject it rather than scan `String(x)`.
    if (typeof input !== 'object' || input === null) {
      throw new EvaluatorError('invalid_input', 'each input must be an object with a text')
    }
    const { text, cut } = guardInput(input)
    const spans = detectPii(text, this.options)
    const counts = countByType(spans)
    const worst = worstType(counts)
    return {
      evaluator: this.name,
      modelId: this.modelId,
      modelVersion: this.modelVersion,
      tier: this.tier,
      target: input.target,
      score: worst === undefined ? 0 : PII_SEVERITY[worst],
      label: worst ?? 'none',
      labels: this.labelScores(counts),
      threshold: THRESHOLD,
      flagged: worst !== undefined && PII_SEVERITY[worst] >= THRESHOLD,
      latencyMs: Math.max(0, performance.now() - started),
      ...(cut || spans.length > MAX_SPANS ? { truncated: true } : {}),
      spans: spans.slice(0, MAX_SPANS).map(toTextSpan),
      details: { counts: Object.fromEntries(counts), totalSpans: spans.length },
    }
  }

  private labelScores(counts: ReadonlyMap<PiiEntityType, number>): Record<string, number> {
    const types = this.options.entities ?? PII_ENTITY_TYPES
    return Object.fromEntries(types.map((type) => [type, countScore(counts.get(type) ?? 0)]))
  }
}

// Returns a plain boolean: `Array.isArray` would narrow a readonly array to `any[]`.
const isList = (value: unknown): boolean => Array.isArray(value)

const countByType = (spans: readonly PiiSpan[]): Map<PiiEntityType, number> => {
  const counts = new Map<PiiEntityType, number>()
  for (const span of spans) counts.set(span.label, (counts.get(span.label) ?? 0) + 1)
  return counts
}

// PII_ENTITY_TYPES is ordered by severity, so the first type present is the worst one.
const worstType = (counts: ReadonlyMap<PiiEntityType, number>): PiiEntityType | undefined =>
  PII_ENTITY_TYPES.find((type) => counts.has(type))

const toTextSpan = (span: PiiSpan): TextSpan => ({
  start: span.start,
  end: span.end,
  label: span.label,
  score: span.score,
})
