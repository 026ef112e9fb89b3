import { z } from 'zod'

const tensorSchema = z.looseObject({ name: z.string().min(1) })

/** The sentence-embedding backbone (all-MiniLM-L6-v2 exported with pooling inside the graph). */
export const backboneManifestSchema = z.looseObject({
  name: z.string().min(1),
  version: z.string().min(1),
  task: z.literal('sentence-embedding'),
  file: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  inputs: z.array(tensorSchema).min(1),
  outputs: z.array(tensorSchema).min(1),
  max_seq_len: z.int().positive(),
  tokenizer: z.looseObject({ file: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
})

/** A small classifier head over backbone embeddings (or over a context/answer pair of them). */
export const headManifestSchema = z.looseObject({
  name: z.string().min(1),
  version: z.string().min(1),
  task: z.string().min(1),
  tier: z.literal('semantic'),
  backbone: z.string().regex(/^[^@]+@[^@]+$/),
  file: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  input: z.looseObject({
    name: z.string().min(1),
    shape: z.tuple([z.string(), z.int().positive()]),
  }),
  output: z.looseObject({
    name: z.string().min(1),
    // Manifests spell it out ("sigmoid (per label, independent)"); the first word decides.
    activation: z.string().transform((value, ctx) => {
      const kind = value.trim().split(/\s/)[0]
      if (kind === 'sigmoid' || kind === 'softmax') return kind
      ctx.addIssue({ code: 'custom', message: `unknown activation ${value}` })
      return z.NEVER
    }),
    labels: z.array(z.string().min(1)).min(1),
  }),
  primary_label: z.string().min(1),
  thresholds: z.record(z.string(), z.number().min(0).max(1)),
  metrics: z.record(z.string(), z.unknown()).optional(),
  eval_file: z.string().optional(),
})

/** A backbone manifest as a TypeScript type. */
export type BackboneManifest = z.infer<typeof backboneManifestSchema>
/** A head manifest as a TypeScript type. */
export type HeadManifest = z.infer<typeof headManifestSchema>
