import type { EvaluationResult } from '@anansi/protocol'
import type { EvaluationInput, Evaluator } from '../evaluator.js'
import { toEvaluationResult } from '../runtime/classifier-result.js'
import { guardInput } from '../runtime/input-guard.js'
import { MicroBatcher, type MicroBatcherOptions } from '../runtime/micro-batcher.js'
import type { SessionOptions } from '../runtime/onnx-session.js'
import { loadLexicalModel, type LexicalModel, type LexicalPrediction } from './lexical-model.js'

/** Batching defaults for the lexical tier: runs are sub-millisecond, so batches form only under load. */
export const LEXICAL_BATCHING: MicroBatcherOptions = {
  maxBatchSize: 64,
  maxWaitMs: 0,
  maxQueue: 10_000,
  concurrency: 1,
}

/** Options for a lexical evaluator. */
export interface LexicalEvaluatorOptions extends SessionOptions {
  /** Result name; defaults to the manifest's task (e.g. `toxicity`). */
  name?: string
  batching?: Partial<MicroBatcherOptions>
}

/** A lexical-tier evaluator over one model directory. */
export class LexicalEvaluator implements Evaluator {
  readonly tier = 'lexical' as const
  readonly name: string
  readonly modelId: string
  readonly modelVersion: string
  private readonly batcher: MicroBatcher<string, LexicalPrediction>
  private closed = false

  private constructor(
    readonly model: LexicalModel,
    options: LexicalEvaluatorOptions,
  ) {
    this.name = options.name ?? model.manifest.task
    this.modelId = `${model.manifest.name}-lexical`
    this.modelVersion = model.manifest.version
    this.batcher = new MicroBatcher((texts) => model.predict(texts), {
      ...LEXICAL_BATCHING,
      ...options.batching,
    })
  }

  /** Loads the model in `directory` and warms its session up once. */
  static async load(
    directory: string,
    options: LexicalEvaluatorOptions = {},
  ): Promise<LexicalEvaluator> {
    const model = await loadLexicalModel(directory, options)
    await model.predict(['warm-up'])
    return new LexicalEvaluator(model, options)
  }

  /** Evaluates texts; concurrent callers are batched together transparently. */
  async evaluate(inputs: readonly EvaluationInput[]): Promise<EvaluationResult[]> {
    const guarded = inputs.map(guardInput)
    const started = performance.now()
    const predictions = await Promise.all(guarded.map((g) => this.batcher.submit(g.text)))
    const latencyMs = performance.now() - started
    const { manifest } = this.model
    return predictions.map((prediction, i) =>
      toEvaluationResult({
        evaluator: this.name,
        modelId: this.modelId,
        modelVersion: this.modelVersion,
        tier: 'lexical',
        target: inputs[i]?.target ?? 'output',
        activation: manifest.output.activation,
        labels: manifest.output.labels,
        primaryLabel: manifest.primary_label,
        thresholds: manifest.thresholds,
        probabilities: prediction.probabilities,
        latencyMs,
        truncated: prediction.truncated || (guarded[i]?.cut ?? false),
      }),
    )
  }

  /** Stops batching and releases the session; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.batcher.close()
    await this.model.close()
  }
}
