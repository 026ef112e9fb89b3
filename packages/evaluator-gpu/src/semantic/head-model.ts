import { Tensor, type InferenceSession } from 'onnxruntime-node'
import { EvaluatorError } from '../errors.js'
import { checkClassifierLabels } from '../models/manifest.js'
import { readManifest, readVerifiedModel } from '../models/model-files.js'
import { openSession, type SessionOptions } from '../runtime/onnx-session.js'
import { headManifestSchema, type HeadManifest } from './semantic-manifest.js'

/** A classifier head: feature rows in, probabilities out, in the manifest's label order. */
export interface HeadModel {
  readonly manifest: HeadManifest
  readonly inputWidth: number
  classify(rows: readonly Float32Array[]): Promise<Float32Array[]>
  close(): Promise<void>
}

/** Loads a head directory, verifying its weights and that its labels and thresholds agree. */
export async function loadHeadModel(
  directory: string,
  options: SessionOptions = {},
): Promise<HeadModel> {
  const manifest = await readManifest(directory, headManifestSchema)
  const problems = checkClassifierLabels(manifest)
  if (problems.length > 0)
    throw new EvaluatorError('invalid_manifest', `${directory}: ${problems.join('; ')}`)
  const { session } = await openSession(
    await readVerifiedModel(directory, manifest.file, manifest.sha256),
    options,
  )
  const inputWidth = manifest.input.shape[1]
  const labelCount = manifest.output.labels.length
  return {
    manifest,
    inputWidth,
    async classify(rows) {
      if (rows.length === 0) return []
      const features = new Float32Array(rows.length * inputWidth)
      rows.forEach((row, i) => {
        if (row.length !== inputWidth)
          throw new EvaluatorError(
            'invalid_input',
            `${manifest.name}: expected ${inputWidth} features, got ${row.length}`,
          )
        features.set(row, i * inputWidth)
      })
      let result: InferenceSession.ReturnType
      try {
        result = await session.run({
          [manifest.input.name]: new Tensor('float32', features, [rows.length, inputWidth]),
        })
      } catch (cause) {
        throw new EvaluatorError('inference_failed', `${manifest.name}: inference failed`, true, {
          cause,
        })
      }
      const data = result[manifest.output.name]?.data
      if (!(data instanceof Float32Array) || data.length !== rows.length * labelCount)
        throw new EvaluatorError('inference_failed', `${manifest.name}: unexpected output shape`)
      return rows.map((_, i) => data.slice(i * labelCount, (i + 1) * labelCount))
    },
    close: () => session.release(),
  }
}
