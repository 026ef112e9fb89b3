import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'

/** Where the committed test vectors live. */
export const VECTORS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-vectors')

const vectorFileSchema = z.strictObject({
  schema: z.string(),
  description: z.string(),
  payload: z.unknown().optional(),
  payloadText: z.string().optional(),
  valid: z.boolean(),
  paths: z.array(z.array(z.union([z.string(), z.number()]))).optional(),
})

/** One loaded test vector. */
export type TestVector = z.infer<typeof vectorFileSchema> & { file: string; value: unknown }

/** Loads every vector file, parsing `payloadText` where a vector carries raw JSON. */
export function loadVectors(): TestVector[] {
  return readdirSync(VECTORS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((dir) =>
      readdirSync(join(VECTORS_DIR, dir.name))
        .filter((name) => name.endsWith('.json'))
        .map((name) => {
          const file = `${dir.name}/${name}`
          const parsed = vectorFileSchema.parse(
            JSON.parse(readFileSync(join(VECTORS_DIR, file), 'utf8')),
          )
          const value: unknown =
            parsed.payloadText === undefined ? parsed.payload : JSON.parse(parsed.payloadText)
          return { ...parsed, file, value }
        }),
    )
}
