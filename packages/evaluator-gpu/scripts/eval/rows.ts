import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { BUILTIN_MODELS_DIR } from '../../src/index.js'

const packageRoot = join(BUILTIN_MODELS_DIR, '..')

/** One held-out record: a text (or a context/answer pair) with multi-label or multi-class targets. */
export const rowSchema = z.object({
  text: z.string().optional(),
  context: z.string().optional(),
  answer: z.string().optional(),
  labels: z.record(z.string(), z.union([z.literal(0), z.literal(1), z.null()])).optional(),
  label: z.string().optional(),
  source: z.string().optional(),
  group: z.string().optional(),
})
/** A held-out record as a TypeScript type. */
export type Row = z.infer<typeof rowSchema>

/** One CrowS-Pairs pair: the more- and the less-stereotyping sentence (evaluation only). */
export const crowsPairSchema = z.object({
  sent_more: z.string(),
  sent_less: z.string(),
  stereo_antistereo: z.enum(['stereo', 'antistereo']),
  bias_type: z.string().min(1),
})
/** A CrowS-Pairs pair as a TypeScript type. */
export type CrowsPair = z.infer<typeof crowsPairSchema>

/** Reads a JSONL file under the package root, validating every line. */
export function readJsonl<T>(file: string, schema: z.ZodType<T>): T[] {
  return readFileSync(join(packageRoot, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => schema.parse(JSON.parse(line)))
}
