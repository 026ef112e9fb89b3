import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import type { EvaluationResult } from '@anansi/protocol'
import type { InferenceSession } from 'onnxruntime-node'
import { EvaluatorError } from '../errors.js'
import type { EvaluationInput, Evaluator } from '../evaluator.js'
import { toEvaluationResult } from '../runtime/classifier-result.js'
import { guardInput } from '../runtime/input-guard.js'
import { MicroBatcher } from '../runtime/micro-batcher.js'
import { openSession, type SessionOptions } from '../runtime/onnx-session.js'
import { buildEncoderTensors } from '../semantic/embedding-model.js'
import { loadTokenizer, type EncodedText } from '../semantic/wordpiece-tokenizer.js'
import type { CustomModelSpec } from './custom-model-spec.js'

/** Numerically stable softmax / element-wise sigmoid over one row of logits. */
export function activate(logits: Float32Array, activation: 'softmax' | 'sigmoid'): Float32Array {
  if (activation === 'sigmoid') return logits.map((z) => 1 / (1 + Math.exp(-z)))
  const max = Math.max(...logits)
  const exp = logits.map((z) => Math.exp(z - max))
  const sum = exp.reduce((a, b) => a + b, 0)
  return exp.map((e) => e / sum)
}

async function sha256Of(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex')
}

/** A registered third-party ONNX classifier behind the common evaluator interface. */
export class CustomClassifier implements Evaluator {
  readonly tier = 'custom' as const
  readonly name: string
  readonly modelId: string
  readonly modelVersion: string
  private readonly batcher: MicroBatcher<EncodedText, Float32Array>
  private closed = false

  private constructor(
    readonly spec: CustomModelSpec,
    private readonly session: InferenceSession,
    private readonly tokenizer: Awaited<ReturnType<typeof loadTokenizer>>,
  ) {
    this.name = spec.name
    this.modelId = basename(spec.model)
    this.modelVersion = spec.version
    this.batcher = new MicroBatcher((encoded) => this.run(encoded), {
      ...spec.batching,
      concurrency: 1,
    })
  }

  /** Loads the model and tokenizer a spec names (checking the model's sha256 when the spec has one). */
  static async load(
    spec: CustomModelSpec,
    options: SessionOptions = {},
  ): Promise<CustomClassifier> {
    let bytes: Buffer
    try {
      bytes = await readFile(spec.model)
    } catch (cause) {
      throw new EvaluatorError(
        'model_not_found',
        `${spec.name}: cannot read ${spec.model}`,
        false,
        { cause },
      )
    }
    if (spec.sha256 !== undefined && (await sha256Of(spec.model)) !== spec.sha256)
      throw new EvaluatorError(
        'model_integrity',
        `${spec.model} does not match the sha256 in its spec`,
      )
    const tokenizerSha = await sha256Of(spec.tokenizer).catch((cause: unknown) => {
      throw new EvaluatorError(
        'model_not_found',
        `${spec.name}: cannot read ${spec.tokenizer}`,
        false,
        { cause },
      )
    })
    const tokenizer = await loadTokenizer(
      dirname(spec.tokenizer),
      basename(spec.tokenizer),
      tokenizerSha,
      spec.maxLength,
    )
    const { session } = await openSession(bytes, options)
    if (!session.outputNames.includes(spec.output)) {
      await session.release()
      throw new EvaluatorError(
        'invalid_manifest',
        `${spec.name}: the model has no output "${spec.output}" (it has ${session.outputNames.join(', ')})`,
      )
    }
    const classifier = new CustomClassifier(spec, session, tokenizer)
    // Like the built-ins: the first real call should not pay session initialisation, and a graph
    // that cannot run on our inputs should fail at registration, not on live traffic.
    try {
      await classifier.run([tokenizer.encode('warm-up')])
    } catch (error) {
      await classifier.close()
      throw error
    }
    return classifier
  }

  /** Evaluates texts with the registered model. */
  async evaluate(inputs: readonly EvaluationInput[]): Promise<EvaluationResult[]> {
    const guarded = inputs.map(guardInput)
    const started = performance.now()
    const encoded = guarded.map((g) => this.tokenizer.encode(g.text))
    const probabilities = await Promise.all(encoded.map((e) => this.batcher.submit(e)))
    const latencyMs = performance.now() - started
    return probabilities.map((p, i) =>
      toEvaluationResult({
        evaluator: this.name,
        modelId: this.modelId,
        modelVersion: this.modelVersion,
        tier: 'custom',
        target: inputs[i]?.target ?? 'output',
        activation: this.spec.activation,
        labels: this.spec.labels,
        primaryLabel: this.spec.primaryLabel,
        thresholds: Object.fromEntries(this.spec.labels.map((l) => [l, this.spec.threshold])),
        probabilities: p,
        latencyMs,
        truncated: (encoded[i]?.truncated ?? false) || (guarded[i]?.cut ?? false),
      }),
    )
  }

  /** Stops batching and releases the session; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.batcher.close()
    await this.session.release()
  }

  private async run(encoded: readonly EncodedText[]): Promise<Float32Array[]> {
    const all = buildEncoderTensors(encoded, this.tokenizer.padId)
    // Exports differ: feed only the inputs this graph declares (many drop token_type_ids).
    const feeds = Object.fromEntries(
      Object.entries(all).filter(([name]) => this.session.inputNames.includes(name)),
    )
    let result: InferenceSession.ReturnType
    try {
      result = await this.session.run(feeds)
    } catch (cause) {
      throw new EvaluatorError('inference_failed', `${this.name}: inference failed`, true, {
        cause,
      })
    }
    const data = result[this.spec.output]?.data
    const width = this.spec.labels.length
    if (!(data instanceof Float32Array) || data.length !== encoded.length * width)
      throw new EvaluatorError(
        'inference_failed',
        `${this.name}: output does not have ${width} classes per row`,
      )
    return encoded.map((_, row) => {
      const values = data.slice(row * width, (row + 1) * width)
      return this.spec.outputIsProbabilities ? values : activate(values, this.spec.activation)
    })
  }
}
