import { z } from 'zod'
import { timestampSchema, uuidSchema } from './primitives.js'

/** A project's settings. Loosely typed on purpose: each feature validates its own section. */
export const projectSettingsSchema = z.looseObject({
  policy: z.record(z.string(), z.unknown()).optional().describe('gating policy overrides'),
})

/** A project (tenant) as the API shows it. */
export const projectInfoSchema = z.strictObject({
  id: uuidSchema,
  slug: z.string().min(1).max(128),
  name: z.string().max(256),
  createdAt: timestampSchema,
  settings: projectSettingsSchema,
})

/** Project settings as a TypeScript type. */
export type ProjectSettings = z.infer<typeof projectSettingsSchema>
/** A project as a TypeScript type. */
export type ProjectInfo = z.infer<typeof projectInfoSchema>
