import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import type * as schema from '../schema/index.js'

/** A drizzle database over either driver; repositories are written against this type only. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>

/** Which driver a connection uses. */
export type DriverName = 'pglite' | 'postgres'

/** An open connection: the drizzle handle plus what only the driver knows how to do. */
export interface Connection {
  readonly driver: DriverName
  readonly db: Database
  /** Applies pending migrations; safe to call on every start and from several processes at once. */
  migrate(): Promise<void>
  /** Runs a raw SQL statement (tests, health checks). */
  execute(sql: string): Promise<void>
  /** Closes the connection or pool; safe to call twice. */
  close(): Promise<void>
}
