import { resolve } from 'node:path'
import { z } from 'zod'

/** Settings of the embedded deployment, read once from the environment at start. */
export const embeddedConfigSchema = z.object({
  ANANSI_DATA_DIR: z.string().min(1).default('.anansi'),
})

/** Embedded settings with paths resolved. */
export interface EmbeddedConfig {
  dataDir: string
  databaseDir: string
}

/** Reads and validates the embedded configuration; throws a readable error listing every bad variable. */
export function readEmbeddedConfig(env: NodeJS.ProcessEnv = process.env): EmbeddedConfig {
  const parsed = embeddedConfigSchema.safeParse(env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')
    throw new Error(`invalid configuration:\n${lines}`)
  }
  const dataDir = resolve(parsed.data.ANANSI_DATA_DIR)
  return { dataDir, databaseDir: resolve(dataDir, 'db') }
}
