import { projectSettingsSchema } from '@anansi/protocol'
import { eq, sql } from 'drizzle-orm'
import type { Database } from '../drivers/database.js'
import { invalidArgument, wrapQueryError } from '../errors.js'
import { isUuid } from '../row-values.js'
import { toStorable, toStorableText } from '../sanitize.js'
import { projects } from '../schema/index.js'

/** A project (tenant) as stored. */
export type Project = typeof projects.$inferSelect

/** Creates a project; the slug must be unique. */
export async function createProject(
  db: Database,
  input: { name: string; slug: string },
): Promise<Project> {
  try {
    const [row] = await db
      .insert(projects)
      .values({ name: toStorableText(input.name), slug: toStorableText(input.slug) })
      .returning()
    if (!row) throw new Error('insert returned no row')
    return row
  } catch (cause) {
    throw wrapQueryError('create project', cause)
  }
}

/** Reads a project by id. */
export async function getProject(db: Database, projectId: string): Promise<Project | undefined> {
  try {
    const [row] = await db.select().from(projects).where(eq(projects.id, projectId))
    return row
  } catch (cause) {
    throw wrapQueryError('get project', cause)
  }
}

/** Reads a project by slug. */
export async function findProjectBySlug(db: Database, slug: string): Promise<Project | undefined> {
  try {
    const [row] = await db.select().from(projects).where(eq(projects.slug, slug))
    return row
  } catch (cause) {
    throw wrapQueryError('find project', cause)
  }
}

/**
 * Changes some of a project's settings in one statement (no read-modify-write, so concurrent
 * changes to other sections are kept): each key of `settings` replaces that section, a key set to
 * `null` removes it, and sections not named stay as they are. Touches only the given project;
 * undefined when there is no such project.
 */
export async function updateProjectSettings(
  db: Database,
  projectId: string,
  settings: Readonly<Record<string, unknown>>,
): Promise<Project | undefined> {
  const { replaced, removed } = splitSettingsPatch(settings)
  if (!isUuid(projectId)) return undefined
  // Parenthesised: Postgres binds `-` tighter than `||`.
  const merged = sql`(${projects.settings} || ${JSON.stringify(toStorable(replaced))}::jsonb)`
  const pruned = removed.reduce(
    (value, key) => sql`(${value} - ${toStorableText(key)}::text)`,
    merged,
  )
  try {
    const [row] = await db
      .update(projects)
      .set({ settings: pruned })
      .where(eq(projects.id, projectId))
      .returning()
    return row
  } catch (cause) {
    throw wrapQueryError('update project settings', cause)
  }
}

function splitSettingsPatch(settings: Readonly<Record<string, unknown>>): {
  replaced: Record<string, unknown>
  removed: string[]
} {
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings))
    throw invalidArgument('update project settings', [{ message: 'expected an object' }])
  const entries = Object.entries(settings).filter(([, value]) => value !== undefined)
  const replaced = Object.fromEntries(entries.filter(([, value]) => value !== null))
  // The sections the protocol knows (the verdict policy) must keep their shape.
  const parsed = projectSettingsSchema.safeParse(replaced)
  if (!parsed.success) throw invalidArgument('update project settings', parsed.error.issues)
  try {
    JSON.stringify(replaced)
  } catch (cause) {
    throw invalidArgument('update project settings', [
      { message: `not JSON: ${cause instanceof Error ? cause.message : String(cause)}` },
    ])
  }
  return { replaced, removed: entries.filter(([, value]) => value === null).map(([key]) => key) }
}
