import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { z } from 'zod'
import { EvaluatorError } from '../errors.js'

/** Reads and validates `manifest.json` in a model directory. */
export async function readManifest<S extends z.ZodType>(
  directory: string,
  schema: S,
): Promise<z.infer<S>> {
  let raw: string
  try {
    raw = await readFile(join(directory, 'manifest.json'), 'utf8')
  } catch (cause) {
    throw new EvaluatorError('model_not_found', `no manifest.json in ${directory}`, false, {
      cause,
    })
  }
  const parsed = schema.safeParse(JSON.parse(raw))
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    throw new EvaluatorError('invalid_manifest', `invalid manifest in ${directory}: ${detail}`)
  }
  return parsed.data
}

/** Reads a model file and refuses it unless its SHA-256 matches the manifest (corrupt or swapped weights). */
export async function readVerifiedModel(
  directory: string,
  file: string,
  sha256: string,
): Promise<Uint8Array> {
  let bytes: Buffer
  try {
    bytes = await readFile(join(directory, file))
  } catch (cause) {
    throw new EvaluatorError('model_not_found', `cannot read ${join(directory, file)}`, false, {
      cause,
    })
  }
  const actual = createHash('sha256').update(bytes).digest('hex')
  if (actual !== sha256) {
    throw new EvaluatorError(
      'model_integrity',
      `${join(directory, file)} has sha256 ${actual}, manifest says ${sha256}`,
    )
  }
  return bytes
}
