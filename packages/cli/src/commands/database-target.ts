import { mkdirSync } from 'node:fs'
import { connectPglite, connectPostgres, type Connection } from '@anansi/store'
import { ConfigError, distributedConfigSchema, readEmbeddedConfig } from '../config.js'
import { embeddedDatabaseHolder } from './embedded-database-holder.js'
import { CommandError } from './exit-codes.js'

/** The database an admin command works on: DATABASE_URL when set, else the embedded one. */
export type DatabaseTarget =
  | { driver: 'postgres'; url: string; label: string }
  | { driver: 'pglite'; dataDir: string; label: string }

const databaseUrl = distributedConfigSchema.shape.DATABASE_URL

/** Reads the target from the environment (`DATABASE_URL`, else `<ANANSI_DATA_DIR>/db`). */
export function databaseTarget(env: NodeJS.ProcessEnv): DatabaseTarget {
  const url = env.DATABASE_URL
  if (url === undefined || url === '') {
    const { databaseDir } = readEmbeddedConfig(env)
    return { driver: 'pglite', dataDir: databaseDir, label: `PGlite at ${databaseDir}` }
  }
  const parsed = databaseUrl.safeParse(url)
  if (!parsed.success)
    throw new ConfigError(
      `invalid configuration:\n  DATABASE_URL: ${parsed.error.issues[0]?.message}`,
    )
  return {
    driver: 'postgres',
    url: parsed.data,
    label: `PostgreSQL at ${describeUrl(parsed.data)}`,
  }
}

/** `host:port/database`, never the credentials. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url)
    return `${parsed.host}${parsed.pathname}`
  } catch {
    return 'DATABASE_URL' // postgres.js accepts URLs WHATWG URL does not; say where it came from
  }
}

/**
 * Connects without migrating. The embedded database is refused while another process (a running
 * `anansi dev`) has it open: PGlite does not lock, and two writers would corrupt it.
 */
export async function connectTarget(target: DatabaseTarget): Promise<Connection> {
  if (target.driver === 'postgres') return connectPostgres({ url: target.url, maxConnections: 2 })
  mkdirSync(target.dataDir, { recursive: true })
  const holder = embeddedDatabaseHolder(target.dataDir)
  if (holder !== undefined) {
    const who =
      holder.pid === undefined
        ? 'another process (if nothing runs on it, the last anansi dev did not shut down cleanly: start and stop it once)'
        : `process ${holder.pid}, probably a running anansi dev`
    throw new CommandError(
      'database_in_use',
      `the embedded database (${target.label}) is open in ${who}. ` +
        'Stop anansi dev first or use the API (/v1/keys with an admin key).',
    )
  }
  return connectPglite({ dataDir: target.dataDir })
}
