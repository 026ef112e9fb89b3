import type { InferenceSession } from 'onnxruntime-node'
import { Tensor } from 'onnxruntime-node'
import { EvaluatorError } from '../errors.js'
import {
  checkClassifierLabels,
  lexicalManifestSchema,
  type LexicalManifest,
} from '../models/manifest.js'
import { readManifest, readVerifiedModel } from '../models/model-files.js'
import {
  openSession,
  type ExecutionProvider,
  type SessionOptions,
} from '../runtime/onnx-session.js'
import { sharedFeatureCache } from './feature-cache.js'
import type { FeaturizerSpec } from './featurizer.js'

/** Probabilities for one text, in the manifest's label order. */
export interface LexicalPrediction {
  probabilities: Float32Array
  truncated: boolean
}

/** A loaded lexical model: featurizer + ONNX session, predicting a batch per call. */
export interface LexicalModel {
  readonly manifest: LexicalManifest
  readonly provider: ExecutionProvider
  predict(texts: readonly string[]): Promise<LexicalPrediction[]>
  close(): Promise<void>
}

/** Builds the padded `indices` / `counts` tensors the lexical graph takes. */
export function buildLexicalTensors(
  texts: readonly string[],
  spec: FeaturizerSpec,
): { indices: Tensor; counts: Tensor; truncated: boolean[] } {
  const features = texts.map((text) => sharedFeatureCache.get(text, spec))
  // One padding column at least: an empty text still needs a well-formed [batch, L] input.
  const width = Math.max(1, ...features.map((f) => f.indices.length))
  const indices = new BigInt64Array(texts.length * width)
  const counts = new Float32Array(texts.length * width)
  features.forEach((f, row) => {
    for (let i = 0; i < f.indices.length; i += 1) {
      indices[row * width + i] = BigInt(f.indices[i] ?? 0)
      counts[row * width + i] = f.counts[i] ?? 0
    }
  })
  return {
    indices: new Tensor('int64', indices, [texts.length, width]),
    counts: new Tensor('float32', counts, [texts.length, width]),
    truncated: features.map((f) => f.truncated),
  }
}

/** Loads a lexical model directory (manifest.json + model.onnx), verifying the weights' sha256. */
export async function loadLexicalModel(
  directory: string,
  options: SessionOptions = {},
): Promise<LexicalModel> {
  const manifest = await readManifest(directory, lexicalManifestSchema)
  const problems = checkClassifierLabels(manifest)
  if (problems.length > 0)
    throw new EvaluatorError('invalid_manifest', `${directory}: ${problems.join('; ')}`)
  const bytes = await readVerifiedModel(directory, manifest.file, manifest.sha256)
  const { session, provider } = await openSession(bytes, options)
  const spec: FeaturizerSpec = {
    buckets: manifest.featurizer.buckets,
    maxCodePoints: manifest.featurizer.max_code_points,
    wordNgrams: manifest.featurizer.word_ngrams,
    charNgrams: manifest.featurizer.char_ngrams,
  }
  const labelCount = manifest.output.labels.length
  return {
    manifest,
    provider,
    async predict(texts) {
      if (texts.length === 0) return []
      const { indices, counts, truncated } = buildLexicalTensors(texts, spec)
      let output: InferenceSession.ReturnType
      try {
        output = await session.run({ indices, counts })
      } catch (cause) {
        throw new EvaluatorError('inference_failed', `${manifest.name}: inference failed`, true, {
          cause,
        })
      }
      const data = output[manifest.output.name]?.data
      if (!(data instanceof Float32Array) || data.length !== texts.length * labelCount) {
        throw new EvaluatorError('inference_failed', `${manifest.name}: unexpected output shape`)
      }
      return texts.map((_, row) => ({
        probabilities: data.slice(row * labelCount, (row + 1) * labelCount),
        truncated: truncated[row] ?? false,
      }))
    },
    close: () => session.release(),
  }
}
