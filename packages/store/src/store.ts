import type { EvaluationResult, LlmEvent, Verdict } from '@anansi/protocol'
import type { Connection, Database, DriverName } from './drivers/database.js'
import { connectPglite, type PgliteOptions } from './drivers/pglite.js'
import { connectPostgres, type PostgresOptions } from './drivers/postgres-js.js'
import {
  createApiKey,
  listApiKeys,
  revokeApiKey,
  verifyApiKey,
  type ApiKeyInfo,
  type ApiKeyScope,
  type VerifiedApiKey,
} from './repositories/api-keys.js'
import {
  existingEventIds,
  getEvent,
  insertEvents,
  listEvents,
  type EventQuery,
  type InsertOutcome,
  type StoredEvent,
} from './repositories/events.js'
import {
  createProject,
  findProjectBySlug,
  getProject,
  type Project,
} from './repositories/projects.js'
import {
  getVerdict,
  listEvaluations,
  listVerdictsAfter,
  recordVerdict,
} from './repositories/verdicts.js'

/** Where the data lives: embedded PGlite (default) or a PostgreSQL server. */
export type StoreOptions =
  ({ driver: 'pglite' } & PgliteOptions) | ({ driver: 'postgres' } & PostgresOptions)

/**
 * Everything one project (tenant) may touch. There is no way to reach another project's rows
 * through it: the project id is bound here, once, from the verified API key.
 */
export interface ProjectStore {
  readonly projectId: string
  insertEvents(events: readonly LlmEvent[]): Promise<InsertOutcome[]>
  existingEventIds(ids: readonly string[]): Promise<Set<string>>
  getEvent(eventId: string): Promise<StoredEvent | undefined>
  listEvents(query?: EventQuery): Promise<StoredEvent[]>
  recordVerdict(verdict: Verdict): Promise<InsertOutcome>
  getVerdict(eventId: string): Promise<Verdict | undefined>
  listVerdictsAfter(afterEventId: string, limit?: number): Promise<Verdict[]>
  listEvaluations(eventId: string): Promise<EvaluationResult[]>
  createApiKey(input: {
    name: string
    scopes: ApiKeyScope[]
    expiresAt?: Date
  }): Promise<{ plaintext: string; key: ApiKeyInfo }>
  listApiKeys(): Promise<ApiKeyInfo[]>
  revokeApiKey(keyId: string): Promise<boolean>
}

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
  findProjectBySlug(slug: string): Promise<Project | undefined>
  verifyApiKey(plaintext: string): Promise<VerifiedApiKey | undefined>
  forProject(projectId: string): ProjectStore
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
    findProjectBySlug: (slug) => findProjectBySlug(db, slug),
    verifyApiKey: (plaintext) => verifyApiKey(db, plaintext),
    forProject: (projectId) => ({
      projectId,
      insertEvents: (batch) => insertEvents(db, projectId, batch),
      existingEventIds: (ids) => existingEventIds(db, projectId, ids),
      getEvent: (eventId) => getEvent(db, projectId, eventId),
      listEvents: (query) => listEvents(db, projectId, query),
      recordVerdict: (verdict) => recordVerdict(db, projectId, verdict),
      getVerdict: (eventId) => getVerdict(db, projectId, eventId),
      listVerdictsAfter: (afterEventId, limit) =>
        listVerdictsAfter(db, projectId, afterEventId, limit),
      listEvaluations: (eventId) => listEvaluations(db, projectId, eventId),
      createApiKey: (input) => createApiKey(db, projectId, input),
      listApiKeys: () => listApiKeys(db, projectId),
      revokeApiKey: (keyId) => revokeApiKey(db, projectId, keyId),
    }),
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
