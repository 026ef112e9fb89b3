import { z } from 'zod'
import { EvaluatorError } from '../errors.js'
import { readCustomModelSpecs, type CustomModelSpec } from './custom-model-spec.js'

/** The environment variable naming a JSON file of custom model specs (one spec or a list). */
export const CUSTOM_MODELS_ENV = 'ANANSI_CUSTOM_MODELS'

// Set but empty counts as unset, as shells and compose files commonly write it.
const envSchema = z.object({
  [CUSTOM_MODELS_ENV]: z
    .string()
    .trim()
    .optional()
    .transform((path) => (path === '' ? undefined : path)),
})

/**
 * The custom models `ANANSI_CUSTOM_MODELS` registers, or none when it is unset: how a deployment
 * adds its own ONNX classifiers to every service without code changes.
 */
export async function customModelsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): Promise<CustomModelSpec[]> {
  const parsed = envSchema.safeParse(env)
  if (!parsed.success)
    throw new EvaluatorError(
      'invalid_manifest',
      parsed.error.issues.map((i) => i.message).join('; '),
    )
  const file = parsed.data[CUSTOM_MODELS_ENV]
  return file === undefined ? [] : readCustomModelSpecs(file)
}
