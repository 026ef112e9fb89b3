import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { TestRunnerError } from '../errors.js'
import { LIBRARY_DIR } from '../library-directory.js'
import { scenarioSourceSchema } from '../scenarios/scenario.js'

/** One jailbreak template of the library (DAN family, in-the-wild prompts). */
export const jailbreakTemplateSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9_]+$/),
  family: z.string().min(1),
  template: z.string().min(1),
  source: scenarioSourceSchema,
})

const templatesFileSchema = z.strictObject({
  notes: z.string(),
  templates: z.array(jailbreakTemplateSchema),
})

/** A jailbreak template as a type. */
export type JailbreakTemplate = z.infer<typeof jailbreakTemplateSchema>

/** Loads the library's jailbreak templates. */
export async function loadTemplates(
  libraryDir: string = LIBRARY_DIR,
): Promise<JailbreakTemplate[]> {
  const path = join(libraryDir, 'templates.json')
  const parsed = templatesFileSchema.safeParse(JSON.parse(await readFile(path, 'utf8')))
  if (!parsed.success)
    throw new TestRunnerError('invalid_scenario', `${path}: ${parsed.error.message}`)
  return parsed.data.templates
}

/**
 * The template map for strategy resolution: every template by id, plus family shorthands
 * (`dan` = the DAN 11.0 template, the most used one).
 */
export function templateMap(templates: readonly JailbreakTemplate[]): Map<string, string> {
  const map = new Map(templates.map((t) => [t.id, t.template]))
  const dan = map.get('dan_dan_11_0')
  if (dan !== undefined) map.set('dan', dan)
  return map
}
