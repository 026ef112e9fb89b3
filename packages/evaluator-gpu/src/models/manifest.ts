import { z } from 'zod'

const labelsSchema = z.array(z.string().min(1)).min(1)

/** The fields every shipped or registered model manifest has, whatever its architecture. */
const commonManifest = {
  name: z.string().min(1),
  version: z.string().min(1),
  task: z.string().min(1),
  file: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  metrics: z.record(z.string(), z.unknown()).optional(),
}

/** Output of a classifier: which tensor, how logits became probabilities, label order, thresholds. */
const classifierFields = {
  output: z.object({
    name: z.string().min(1),
    activation: z.enum(['sigmoid', 'softmax']),
    labels: labelsSchema,
  }),
  primary_label: z.string().min(1),
  thresholds: z.record(z.string(), z.number().min(0).max(1)),
}

/** A lexical model: hashed word/char n-gram counts in, probabilities out (training/FEATURIZER.md). */
export const lexicalManifestSchema = z.looseObject({
  ...commonManifest,
  ...classifierFields,
  tier: z.literal('lexical'),
  architecture: z.literal('hashed-ngram-linear'),
  featurizer: z.object({
    name: z.literal('anansi-hash-ngrams-v1'),
    buckets: z.int().positive(),
    word_ngrams: z.tuple([z.int(), z.int()]),
    char_ngrams: z.tuple([z.int(), z.int()]),
    max_code_points: z.int().positive(),
  }),
  eval_file: z.string().optional(),
})

/** A lexical model manifest as a TypeScript type. */
export type LexicalManifest = z.infer<typeof lexicalManifestSchema>

/** Checks that thresholds and the primary label refer to labels the model outputs. */
export function checkClassifierLabels(manifest: {
  output: { labels: string[] }
  primary_label: string
  thresholds: Record<string, number>
}): string[] {
  const problems: string[] = []
  const labels = new Set(manifest.output.labels)
  if (!labels.has(manifest.primary_label))
    problems.push(`primary_label ${manifest.primary_label} is not an output label`)
  for (const label of manifest.output.labels)
    if (manifest.thresholds[label] === undefined) problems.push(`no threshold for ${label}`)
  return problems
}
