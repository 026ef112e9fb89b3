import { PGlite } from '@electric-sql/pglite'
import { drizzle } from 'drizzle-orm/pglite'
import { migrate } from 'drizzle-orm/pglite/migrator'
import * as schema from '../schema/index.js'
import { StoreError, wrapQueryError } from '../errors.js'
import type { Connection } from './database.js'
import { MIGRATIONS_FOLDER } from '../migrations-folder.js'

/** Options for the embedded driver. */
export interface PgliteOptions {
  /** Data directory on disk; omit for an in-memory database (tests). */
  dataDir?: string
  /** A data-dir tarball made by `dumpDataDir`, to start from a prepared database (fast tests). */
  loadDataDir?: Blob
}

/** A PGlite connection, which can also dump its data directory (to seed many test databases fast). */
export interface PgliteConnection extends Connection {
  readonly driver: 'pglite'
  /** Dumps the data directory as an uncompressed tarball, loadable with `loadDataDir`. */
  dumpDataDir(): Promise<Blob>
}

/** Opens an embedded PGlite database (real Postgres compiled to WASM, in this process). */
export async function connectPglite(options: PgliteOptions = {}): Promise<PgliteConnection> {
  let client: PGlite
  try {
    client = await PGlite.create({
      ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
      ...(options.loadDataDir === undefined ? {} : { loadDataDir: options.loadDataDir }),
    })
  } catch (cause) {
    throw new StoreError(
      'connection_failed',
      `cannot open PGlite at ${options.dataDir ?? 'memory'}`,
      false,
      { cause },
    )
  }
  const db = drizzle({ client, schema })
  let closed = false
  return {
    driver: 'pglite',
    db,
    async migrate() {
      // PGlite is one connection in one process, so there is no concurrent migrator to lock out.
      try {
        await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER })
      } catch (cause) {
        throw new StoreError('migration_failed', 'applying migrations to PGlite failed', false, {
          cause,
        })
      }
    },
    async execute(sql) {
      try {
        await client.exec(sql)
      } catch (cause) {
        throw wrapQueryError('execute', cause)
      }
    },
    async dumpDataDir() {
      return client.dumpDataDir('none')
    },
    async close() {
      if (closed) return
      closed = true
      await client.close()
    },
  }
}
