import type { Connection, Database, DriverName } from './drivers/database.js'
import { connectPglite, type PgliteOptions } from './drivers/pglite.js'
import { connectPostgres, type PostgresOptions } from './drivers/postgres-js.js'
import { projectStoreFor, type ProjectStore } from './project-store.js'
import { verifyApiKey, type VerifiedApiKey } from './repositories/api-keys.js'
import {
  claimDueDeliveries,
  recordDeliveryAttempt,
  type DeliveryAttempt,
  type DeliveryJob,
} from './repositories/delivery-queue.js'
import {
  createProject,
  findProjectBySlug,
  getProject,
  updateProjectSettings,
  type Project,
} from './repositories/projects.js'

export type { ProjectStore } from './project-store.js'

/** Where the data lives: embedded PGlite (default) or a PostgreSQL server. */
export type StoreOptions =
  ({ driver: 'pglite' } & PgliteOptions) | ({ driver: 'postgres' } & PostgresOptions)

/** The database: cross-tenant administration, key verification, and per-project access. */
export interface Store {
  readonly driver: DriverName
  /** The drizzle handle, for packages that add their own repositories (always scope by project). */
  readonly db: Database
  migrate(): Promise<void>
  /** Round-trips to the database (readiness checks); throws a StoreError when it cannot. */
  ping(): Promise<void>
  close(): Promise<void>
  createProject(input: { name: string; slug: string }): Promise<Project>
  getProject(projectId: string): Promise<Project | undefined>
  /**
   * Replaces the named sections of one project's settings (`null` removes a section; others are
   * kept); undefined when there is no such project. For the project's own admin API and the CLI.
   */
  updateProjectSettings(
    projectId: string,
    settings: Readonly<Record<string, unknown>>,
  ): Promise<Project | undefined>
  findProjectBySlug(slug: string): Promise<Project | undefined>
  verifyApiKey(plaintext: string): Promise<VerifiedApiKey | undefined>
  forProject(projectId: string): ProjectStore
  /** Webhook dispatcher (an internal worker, across projects): leases due deliveries. */
  claimDueDeliveries(input: { limit: number; leaseMs: number; now?: Date }): Promise<DeliveryJob[]>
  /** Webhook dispatcher: logs one attempt at a leased delivery. */
  recordDeliveryAttempt(input: DeliveryAttempt): Promise<void>
}

/** Binds the repositories to an open connection. */
export function storeFor(connection: Connection): Store {
  const { db } = connection
  return {
    driver: connection.driver,
    db,
    migrate: () => connection.migrate(),
    ping: () => connection.execute('select 1'),
    close: () => connection.close(),
    createProject: (input) => createProject(db, input),
    getProject: (projectId) => getProject(db, projectId),
    updateProjectSettings: (projectId, settings) => updateProjectSettings(db, projectId, settings),
    findProjectBySlug: (slug) => findProjectBySlug(db, slug),
    verifyApiKey: (plaintext) => verifyApiKey(db, plaintext),
    forProject: (projectId) => projectStoreFor(db, projectId),
    claimDueDeliveries: (input) => claimDueDeliveries(db, input),
    recordDeliveryAttempt: (input) => recordDeliveryAttempt(db, input),
  }
}

/**
 * Opens the store and applies pending migrations.
 * @example const store = await openStore({ driver: 'pglite', dataDir: './.anansi/db' })
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  const connection =
    options.driver === 'pglite' ? await connectPglite(options) : await connectPostgres(options)
  try {
    await connection.migrate()
  } catch (error) {
    await connection.close()
    throw error
  }
  return storeFor(connection)
}
