import { Tensor, type InferenceSession } from 'onnxruntime-node'
import { EvaluatorError } from '../errors.js'
import { readManifest, readVerifiedModel } from '../models/model-files.js'
import { MicroBatcher, type MicroBatcherOptions } from '../runtime/micro-batcher.js'
import {
  openSession,
  type ExecutionProvider,
  type SessionOptions,
} from '../runtime/onnx-session.js'
import { backboneManifestSchema, type BackboneManifest } from './semantic-manifest.js'
import { loadTokenizer, type EncodedText } from './wordpiece-tokenizer.js'

/** One text's sentence embedding (L2-normalised) and whether its tokens were cut. */
export interface Embedding {
  vector: Float32Array
  truncated: boolean
}

/** Options for the backbone. */
export interface EmbeddingModelOptions extends SessionOptions {
  batching?: Partial<MicroBatcherOptions>
  /** Recent embeddings kept so several heads on one text share a forward pass (default 2,048). */
  cacheSize?: number
}

/** Batching defaults for the backbone: a forward pass costs milliseconds, so waiting 2 ms to fill a batch pays. */
export const BACKBONE_BATCHING: MicroBatcherOptions = {
  maxBatchSize: 32,
  maxWaitMs: 2,
  maxQueue: 10_000,
  concurrency: 1,
}

/** Builds the padded int64 input tensors of a transformer encoder (padding masked out). */
export function buildEncoderTensors(
  encoded: readonly EncodedText[],
  padId = 0,
): Record<'input_ids' | 'attention_mask' | 'token_type_ids', Tensor> {
  const width = Math.max(1, ...encoded.map((e) => e.ids.length))
  const ids = new BigInt64Array(encoded.length * width).fill(BigInt(padId))
  const mask = new BigInt64Array(encoded.length * width)
  encoded.forEach((e, row) => {
    e.ids.forEach((id, col) => {
      ids[row * width + col] = BigInt(id)
      mask[row * width + col] = 1n
    })
  })
  const dims = [encoded.length, width]
  return {
    input_ids: new Tensor('int64', ids, dims),
    attention_mask: new Tensor('int64', mask, dims),
    token_type_ids: new Tensor('int64', new BigInt64Array(encoded.length * width), dims),
  }
}

/** The shared sentence-embedding backbone: tokenizer + ONNX encoder + batching + a small cache. */
export class EmbeddingModel {
  private readonly batcher: MicroBatcher<string, Embedding>
  private readonly cache = new Map<string, Embedding>()
  private closed = false

  private constructor(
    readonly manifest: BackboneManifest,
    readonly provider: ExecutionProvider,
    private readonly session: InferenceSession,
    private readonly tokenizer: Awaited<ReturnType<typeof loadTokenizer>>,
    private readonly cacheSize: number,
    batching: Partial<MicroBatcherOptions>,
  ) {
    this.batcher = new MicroBatcher((texts) => this.run(texts), {
      ...BACKBONE_BATCHING,
      ...batching,
    })
  }

  /** Loads the backbone directory (model.onnx, tokenizer.json, manifest.json), verifying both files. */
  static async load(
    directory: string,
    options: EmbeddingModelOptions = {},
  ): Promise<EmbeddingModel> {
    const manifest = await readManifest(directory, backboneManifestSchema)
    const tokenizer = await loadTokenizer(
      directory,
      manifest.tokenizer.file,
      manifest.tokenizer.sha256,
      manifest.max_seq_len,
    )
    const bytes = await readVerifiedModel(directory, manifest.file, manifest.sha256)
    const { session, provider } = await openSession(bytes, { intraOpThreads: 2, ...options })
    const model = new EmbeddingModel(
      manifest,
      provider,
      session,
      tokenizer,
      options.cacheSize ?? 2048,
      options.batching ?? {},
    )
    await model.run(['warm-up'])
    return model
  }

  /** `name@version`, as head manifests refer to their backbone. */
  get id(): string {
    return `${this.manifest.name}@${this.manifest.version}`
  }

  /** Token ids as the backbone sees them (exposed for parity tests and diagnostics). */
  encode(text: string): EncodedText {
    return this.tokenizer.encode(text)
  }

  /** Embeds texts; concurrent callers share batches and repeated texts hit the cache. */
  async embed(texts: readonly string[]): Promise<Embedding[]> {
    return Promise.all(
      texts.map(async (text) => {
        const hit = this.cache.get(text)
        if (hit) return hit
        const embedding = await this.batcher.submit(text)
        this.remember(text, embedding)
        return embedding
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

  private remember(text: string, embedding: Embedding): void {
    if (this.cacheSize <= 0) return
    this.cache.delete(text)
    this.cache.set(text, embedding)
    // Maps iterate in insertion order, so the first key is the least recently used.
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value ?? '')
  }

  private async run(texts: readonly string[]): Promise<Embedding[]> {
    const encoded = texts.map((t) => this.tokenizer.encode(t))
    const output = this.manifest.outputs[0]?.name ?? 'embedding'
    let result: InferenceSession.ReturnType
    try {
      result = await this.session.run(buildEncoderTensors(encoded, this.tokenizer.padId))
    } catch (cause) {
      throw new EvaluatorError('inference_failed', `${this.id}: inference failed`, true, { cause })
    }
    const tensor = result[output]
    const data = tensor?.data
    const dim = Number(tensor?.dims[1] ?? 0)
    if (!(data instanceof Float32Array) || data.length !== texts.length * dim)
      throw new EvaluatorError('inference_failed', `${this.id}: unexpected output shape`)
    return encoded.map((e, row) => ({
      vector: data.slice(row * dim, (row + 1) * dim),
      truncated: e.truncated,
    }))
  }
}
