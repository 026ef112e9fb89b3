import type { Store } from '@anansi/store'

/** The project every embedded installation starts with. */
export const DEFAULT_PROJECT_SLUG = 'default'

/** The default project, and its first API key when this call created it (shown once, never stored). */
export interface DefaultProject {
  projectId: string
  createdKey?: string
}

/** Creates the default project and an ingest+read dev key on first start; later starts reuse the project. */
export async function ensureDefaultProject(store: Store): Promise<DefaultProject> {
  const existing = await store.findProjectBySlug(DEFAULT_PROJECT_SLUG)
  if (existing) return { projectId: existing.id }
  const project = await store.createProject({ name: 'Default project', slug: DEFAULT_PROJECT_SLUG })
  const { plaintext } = await store
    .forProject(project.id)
    .createApiKey({ name: 'dev', scopes: ['ingest', 'read', 'admin'] })
  return { projectId: project.id, createdKey: plaintext }
}
