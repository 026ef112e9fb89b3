import type { EvaluationResult, TextSpan } from '@anansi/protocol'
import { EvaluatorError } from '../errors.js'
import type { EvaluationInput, Evaluator } from '../evaluator.js'
import { guardInput, type GuardedInput } from '../runtime/input-guard.js'
import type { SessionOptions } from '../runtime/onnx-session.js'
import type { EmbeddingModel } from './embedding-model.js'
import { loadHeadModel, type HeadModel } from './head-model.js'
import { splitSentences } from './sentences.js'

/** concat(c, a, |c − a|, c ⊙ a): the pair features the grounding head was trained on. */
export function pairFeatures(context: Float32Array, answer: Float32Array): Float32Array {
  const d = context.length
  const out = new Float32Array(4 * d)
  for (let i = 0; i < d; i += 1) {
    const c = context[i] ?? 0
    const a = answer[i] ?? 0
    out[i] = c
    out[d + i] = a
    out[2 * d + i] = Math.abs(c - a)
    out[3 * d + i] = c * a
  }
  return out
}

/**
 * Hallucination with retrieval context: each answer sentence is scored against each context
 * document; a sentence counts as supported by its best document. The result's score is the worst
 * sentence's probability of being unsupported, and unsupported sentences come back as spans.
 * Inputs without context go to `withoutContext` (the lexical false-claim model) when given.
 */
export class GroundingEvaluator implements Evaluator {
  readonly tier = 'semantic' as const
  readonly name = 'hallucination'
  readonly modelId: string
  readonly modelVersion: string
  private closed = false

  private constructor(
    private readonly backbone: EmbeddingModel,
    private readonly head: HeadModel,
    private readonly withoutContext: Evaluator | undefined,
  ) {
    this.modelId = head.manifest.name
    this.modelVersion = head.manifest.version
  }

  /** Loads the pair head; `withoutContext` answers inputs that carry no context. */
  static async load(
    directory: string,
    backbone: EmbeddingModel,
    withoutContext?: Evaluator,
    options: SessionOptions = {},
  ): Promise<GroundingEvaluator> {
    const head = await loadHeadModel(directory, options)
    if (head.manifest.backbone !== backbone.id || head.inputWidth !== 4 * 384) {
      await head.close()
      throw new EvaluatorError(
        'invalid_manifest',
        `${head.manifest.name} does not take pair features of ${backbone.id}`,
      )
    }
    return new GroundingEvaluator(backbone, head, withoutContext)
  }

  /** Scores each input's grounding in its context (or delegates when it has none). */
  async evaluate(inputs: readonly EvaluationInput[]): Promise<EvaluationResult[]> {
    // Every input is checked before any model runs, context documents included.
    const guarded = inputs.map(guardInput)
    const grounded = await Promise.all(
      guarded.map((input) =>
        input.context !== undefined && input.context.length > 0
          ? this.scoreOne(input, input.context)
          : Promise.resolve(undefined),
      ),
    )
    const missing = inputs.filter((_, i) => grounded[i] === undefined)
    if (missing.length > 0 && !this.withoutContext)
      throw new EvaluatorError(
        'invalid_input',
        'hallucination needs retrieval context for the semantic grounding check',
      )
    const fallback =
      missing.length > 0 && this.withoutContext ? await this.withoutContext.evaluate(missing) : []
    let next = 0
    return grounded.map((result) => result ?? (fallback[next++] as EvaluationResult))
  }

  /** Releases the head (the backbone and the fallback are closed by their owner); safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.head.close()
  }

  private async scoreOne(
    input: GuardedInput,
    context: readonly string[],
  ): Promise<EvaluationResult> {
    const { text, cut } = input
    const started = performance.now()
    const sentences = splitSentences(text)
    const threshold = this.head.manifest.thresholds[this.head.manifest.primary_label] ?? 0.5
    const [documents, answers] = await Promise.all([
      this.backbone.embed(context),
      this.backbone.embed(sentences.map((s) => s.text)),
    ])
    const rows = answers.flatMap((a) => documents.map((c) => pairFeatures(c.vector, a.vector)))
    const probabilities = await this.head.classify(rows)
    const perSentence = sentences.map((_, s) =>
      Math.min(...documents.map((_, d) => probabilities[s * documents.length + d]?.[0] ?? 1)),
    )
    const score = perSentence.length === 0 ? 0 : Math.max(...perSentence)
    const spans: TextSpan[] = sentences.flatMap((s, i) =>
      (perSentence[i] ?? 0) >= threshold
        ? [{ start: s.start, end: s.end, label: 'unsupported', score: perSentence[i] ?? 0 }]
        : [],
    )
    const truncated = cut || documents.some((d) => d.truncated) || answers.some((a) => a.truncated)
    return {
      evaluator: this.name,
      modelId: this.modelId,
      modelVersion: this.modelVersion,
      tier: 'semantic',
      target: input.target,
      score,
      label: spans.length > 0 ? 'unsupported' : 'supported',
      threshold,
      flagged: spans.length > 0,
      latencyMs: performance.now() - started,
      spans,
      details: {
        sentences: sentences.length,
        documents: documents.length,
        sentenceScores: perSentence,
        groundedShare:
          perSentence.length === 0
            ? 1
            : perSentence.filter((p) => p < threshold).length / perSentence.length,
      },
      ...(truncated ? { truncated: true } : {}),
    }
  }
}
