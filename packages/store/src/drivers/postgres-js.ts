import { drizzle } from 'drizzle-orm/postgres-js'
import { migrate } from 'drizzle-orm/postgres-js/migrator'
import postgres from 'postgres'
import * as schema from '../schema/index.js'
import { StoreError, wrapQueryError } from '../errors.js'
import type { Connection } from './database.js'
import { MIGRATIONS_FOLDER } from '../migrations-folder.js'

/** Options for the server driver. */
export interface PostgresOptions {
  /** `postgres://user:pass@host:port/db` */
  url: string
  /** Pool size (default 10). */
  maxConnections?: number
}

// Any constant works; it only has to be the same in every process that migrates this database.
const MIGRATION_LOCK_ID = 7_151_948_213

/** Connects to a PostgreSQL server through a postgres.js pool. */
export async function connectPostgres(options: PostgresOptions): Promise<Connection> {
  const client = postgres(options.url, {
    max: options.maxConnections ?? 10,
    onnotice: () => undefined, // "relation already exists, skipping" notices from idempotent DDL are expected
    connection: { application_name: 'anansi' },
  })
  try {
    await client`select 1`
  } catch (cause) {
    await client.end({ timeout: 1 })
    throw new StoreError(
      'connection_failed',
      `cannot connect to Postgres: ${String(cause)}`,
      true,
      { cause },
    )
  }
  const db = drizzle({ client, schema })
  let closed = false
  return {
    driver: 'postgres',
    db,
    async migrate() {
      // Replicas start together. A session advisory lock serialises them; a dedicated one-connection
      // client guarantees the lock and the migration share one session.
      const session = postgres(options.url, { max: 1, onnotice: () => undefined })
      try {
        await session`select pg_advisory_lock(${MIGRATION_LOCK_ID})`
        await migrate(drizzle({ client: session, schema }), { migrationsFolder: MIGRATIONS_FOLDER })
      } catch (cause) {
        throw new StoreError('migration_failed', 'applying migrations to Postgres failed', false, {
          cause,
        })
      } finally {
        // Ending the session releases the advisory lock too, even if the migration failed midway.
        await session.end({ timeout: 5 })
      }
    },
    async execute(sql) {
      try {
        await client.unsafe(sql)
      } catch (cause) {
        throw wrapQueryError('execute', cause)
      }
    },
    async close() {
      if (closed) return
      closed = true
      await client.end({ timeout: 5 })
    },
  }
}
