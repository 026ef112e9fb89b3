import type { EvaluationResult } from '@anansi/protocol'
import { EvaluatorError } from '../errors.js'
import type { EvaluationInput, Evaluator } from '../evaluator.js'
import { toEvaluationResult } from '../runtime/classifier-result.js'
import { guardInput } from '../runtime/input-guard.js'
import type { SessionOptions } from '../runtime/onnx-session.js'
import type { EmbeddingModel } from './embedding-model.js'
import { loadHeadModel, type HeadModel } from './head-model.js'

/** A semantic-tier evaluator: the shared backbone's embedding of the text, classified by one head. */
export class SemanticEvaluator implements Evaluator {
  readonly tier = 'semantic' as const
  readonly name: string
  readonly modelId: string
  readonly modelVersion: string
  private closed = false

  private constructor(
    private readonly backbone: EmbeddingModel,
    private readonly head: HeadModel,
    name: string | undefined,
  ) {
    this.name = name ?? head.manifest.task
    this.modelId = head.manifest.name
    this.modelVersion = head.manifest.version
  }

  /** Loads a head that reads one text's embedding, checking it was trained on this backbone. */
  static async load(
    directory: string,
    backbone: EmbeddingModel,
    options: SessionOptions & { name?: string } = {},
  ): Promise<SemanticEvaluator> {
    const head = await loadHeadModel(directory, options)
    if (head.manifest.backbone !== backbone.id) {
      await head.close()
      throw new EvaluatorError(
        'invalid_manifest',
        `${head.manifest.name} was trained on ${head.manifest.backbone}, not ${backbone.id}`,
      )
    }
    return new SemanticEvaluator(backbone, head, options.name)
  }

  /** Evaluates texts: embeddings are batched (and cached) across callers, then one head run per call. */
  async evaluate(inputs: readonly EvaluationInput[]): Promise<EvaluationResult[]> {
    const guarded = inputs.map(guardInput)
    const started = performance.now()
    const embeddings = await this.backbone.embed(guarded.map((g) => g.text))
    const probabilities = await this.head.classify(embeddings.map((e) => e.vector))
    const latencyMs = performance.now() - started
    const { manifest } = this.head
    return probabilities.map((p, i) =>
      toEvaluationResult({
        evaluator: this.name,
        modelId: this.modelId,
        modelVersion: this.modelVersion,
        tier: 'semantic',
        target: inputs[i]?.target ?? 'output',
        activation: manifest.output.activation,
        labels: manifest.output.labels,
        primaryLabel: manifest.primary_label,
        thresholds: manifest.thresholds,
        probabilities: p,
        latencyMs,
        truncated: (embeddings[i]?.truncated ?? false) || (guarded[i]?.cut ?? false),
      }),
    )
  }

  /** Releases the head (the shared backbone is closed by its owner); safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.head.close()
  }
}
