import { readFile } from 'node:fs/promises'
import { dirname, isAbsolute, resolve } from 'node:path'
import { z } from 'zod'
import { EvaluatorError } from '../errors.js'

/**
 * A user's own ONNX classifier, registered by configuration (no code): typically a Hugging Face
 * sequence classifier exported with `optimum` (inputs `input_ids`, `attention_mask`, optionally
 * `token_type_ids`; output `logits`) and its `tokenizer.json`.
 */
export const customModelSpecSchema = z.object({
  /** The evaluator name results carry (a slug, e.g. `toxicity-roberta`). */
  name: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/),
  version: z.string().min(1).default('1'),
  /** Path to the `.onnx` file (relative paths resolve against the config file). */
  model: z.string().min(1),
  /** Path to the Hugging Face `tokenizer.json`. */
  tokenizer: z.string().min(1),
  /** Expected SHA-256 of the model file; checked at load when given. */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  /** Class names in output order (the model's `id2label`). */
  labels: z.array(z.string().min(1)).min(1),
  /** The label whose probability is the risk score. */
  primaryLabel: z.string().min(1),
  threshold: z.number().min(0).max(1).default(0.5),
  /** How logits become probabilities: softmax (single-label) or sigmoid (multi-label). */
  activation: z.enum(['softmax', 'sigmoid']).default('softmax'),
  /** Output tensor name. */
  output: z.string().min(1).default('logits'),
  /** Whether the output is already probabilities (some exports end in a softmax). */
  outputIsProbabilities: z.boolean().default(false),
  maxLength: z.int().min(8).max(8192).default(512),
  /** Micro-batching: a batch starts when full or when its oldest text has waited `maxWaitMs`. */
  batching: z
    .object({
      maxBatchSize: z.int().min(1).max(1024).default(16),
      maxWaitMs: z.number().min(0).max(1000).default(2),
      /** Texts allowed to wait; beyond it calls fail fast with a retriable `overloaded` error. */
      maxQueue: z.int().min(1).max(1_000_000).default(10_000),
    })
    .prefault({}),
  /** Which side of the call it judges. */
  targets: z
    .array(z.enum(['input', 'output']))
    .min(1)
    .default(['output']),
})

/** A custom model spec as written by a user. */
export type CustomModelSpecInput = z.input<typeof customModelSpecSchema>
/** A custom model spec with defaults applied and paths resolved. */
export type CustomModelSpec = z.infer<typeof customModelSpecSchema>

/** Validates a spec, checks its labels, and resolves relative paths against `baseDir`. */
export function parseCustomModelSpec(raw: unknown, baseDir: string): CustomModelSpec {
  const parsed = customModelSpecSchema.safeParse(raw)
  if (!parsed.success) {
    throw new EvaluatorError(
      'invalid_manifest',
      `invalid custom model: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    )
  }
  const spec = parsed.data
  if (!spec.labels.includes(spec.primaryLabel))
    throw new EvaluatorError(
      'invalid_manifest',
      `${spec.name}: primaryLabel ${spec.primaryLabel} is not one of its labels`,
    )
  const at = (path: string): string => (isAbsolute(path) ? path : resolve(baseDir, path))
  return { ...spec, model: at(spec.model), tokenizer: at(spec.tokenizer) }
}

/** Reads a JSON file holding one spec or a list of them (the file `ANANSI_CUSTOM_MODELS` names). */
export async function readCustomModelSpecs(file: string): Promise<CustomModelSpec[]> {
  let raw: unknown
  try {
    raw = JSON.parse(await readFile(file, 'utf8'))
  } catch (cause) {
    throw new EvaluatorError('invalid_manifest', `cannot read custom models from ${file}`, false, {
      cause,
    })
  }
  return (Array.isArray(raw) ? raw : [raw]).map((entry) =>
    parseCustomModelSpec(entry, dirname(file)),
  )
}
