import { eq } from 'drizzle-orm'
import type { Database } from '../drivers/database.js'
import { wrapQueryError } from '../errors.js'
import { toStorableText } from '../sanitize.js'
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
