import { parseArgs } from 'node:util'
import type { Connection } from '@anansi/store'
import { terminalIo, withProgress, type CommandIo } from './command-io.js'
import { parsingArgs, printJson, runCommand } from './command-runner.js'
import { connectTarget, databaseTarget, type DatabaseTarget } from './database-target.js'
import type { Print } from './dev.js'
import { CommandError, EXIT, EXIT_CODES_HELP } from './exit-codes.js'

/** `anansi migrate --help`. */
export const MIGRATE_HELP = `usage: anansi migrate [--json]

Applies pending database migrations to DATABASE_URL, or to the embedded database
(<ANANSI_DATA_DIR>/db, default ./.anansi/db) when DATABASE_URL is unset. Safe to run
from several replicas at once on PostgreSQL. The embedded database is refused while
anansi dev runs on it.

options:
  --json   print {"database", "driver", "before", "after", "applied"} as JSON

${EXIT_CODES_HELP}`

/** What `anansi migrate` did. */
export interface MigrateReport {
  database: string
  driver: 'pglite' | 'postgres'
  /** Migrations recorded before and after this run. */
  before: number
  after: number
  applied: number
}

/** The rows of a raw query, whichever the driver (postgres.js answers an array, PGlite `{rows}`). */
function rowsOf(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) return result as Record<string, unknown>[]
  if (
    typeof result === 'object' &&
    result !== null &&
    'rows' in result &&
    Array.isArray(result.rows)
  )
    return result.rows as Record<string, unknown>[]
  throw new TypeError('unexpected driver result shape')
}

/** How many migrations the database records as applied (drizzle keeps them in its own table). */
async function appliedCount(connection: Connection): Promise<number> {
  const [table] = rowsOf(
    await connection.db.execute(
      "select to_regclass('drizzle.__drizzle_migrations') is not null as present",
    ),
  )
  if (table?.present !== true) return 0
  const [row] = rowsOf(
    await connection.db.execute('select count(*)::int as n from drizzle.__drizzle_migrations'),
  )
  return Number(row?.n ?? 0)
}

/** `anansi migrate`: applies pending migrations and says how many. */
export function runMigrate(
  print: Print,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  io: CommandIo = terminalIo(),
): Promise<number> {
  return runCommand(print, io, args, async () => {
    const { values, positionals } = parsingArgs(() =>
      parseArgs({
        args: [...args],
        options: {
          json: { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
        allowPositionals: true,
        strict: true,
      }),
    )
    if (values.help === true) {
      print(MIGRATE_HELP)
      return EXIT.ok
    }
    if (positionals.length > 0)
      throw new CommandError('usage', `anansi migrate takes no arguments\n${MIGRATE_HELP}`)
    const target = databaseTarget(env)
    // Opening PGlite takes seconds, so the indicator covers connecting as well as migrating.
    const { before, after } = await withProgress(io, `migrating ${target.label}`, () =>
      migrateCounting(target),
    )
    const report: MigrateReport = {
      database: target.label,
      driver: target.driver,
      before,
      after,
      applied: after - before,
    }
    if (values.json === true) printJson(print, report)
    else print(describeReport(report))
    return EXIT.ok
  })
}

/** Connects, migrates, and counts the migrations recorded before and after. */
async function migrateCounting(target: DatabaseTarget): Promise<{ before: number; after: number }> {
  const connection = await connectTarget(target)
  try {
    const before = await appliedCount(connection)
    await connection.migrate()
    return { before, after: await appliedCount(connection) }
  } finally {
    await connection.close()
  }
}

function describeReport(report: MigrateReport): string {
  const plural = (n: number): string => `${n} migration${n === 1 ? '' : 's'}`
  return report.applied === 0
    ? `${report.database}: already up to date (${plural(report.after)} applied)`
    : `${report.database}: applied ${plural(report.applied)} (${report.before} → ${report.after})`
}
