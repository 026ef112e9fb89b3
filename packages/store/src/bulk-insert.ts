import { getTableColumns, getTableName, is, SQL, sql } from 'drizzle-orm'
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core'
import type { Database } from './drivers/database.js'
import { queryRows } from './raw-query.js'

/** A JSON-ready value for one column (undefined columns become NULL). */
function jsonValue(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value
}

/**
 * Inserts many rows with one bind parameter: the rows travel as one JSON array and Postgres turns
 * them back into typed records (`jsonb_to_recordset`). Drizzle's multi-row `values()` builds a
 * statement with a parameter per value, which costs more CPU than evaluating the events did and
 * hits Postgres's 65,535-parameter limit; this costs one JSON.stringify. Rows are keyed by the
 * table's TypeScript property names, as for `insert().values()`; conflicting rows are skipped.
 * Returns the named columns of the rows actually inserted.
 */
export async function insertJsonRows<T extends PgTable, K extends string>(
  db: Database,
  table: T,
  rows: readonly Record<string, unknown>[],
  returning: readonly K[],
): Promise<Record<K, unknown>[]> {
  if (rows.length === 0) return []
  const columns: [string, PgColumn][] = Object.entries(getTableColumns(table))
  const json = JSON.stringify(
    rows.map((row) =>
      Object.fromEntries(columns.map(([key, column]) => [column.name, jsonValue(row[key])])),
    ),
  )
  const name = (column: PgColumn): SQL => sql`${sql.identifier(column.name)}`
  const list = sql.join(
    columns.map(([, column]) => name(column)),
    sql`, `,
  )
  // A column the rows leave out gets its table default, as a plain insert would give it.
  const selected = sql.join(
    columns.map(([, column]) => {
      if (!column.hasDefault || column.default === undefined) return name(column)
      const fallback = is(column.default, SQL) ? column.default : sql`${column.default}`
      return sql`coalesce(${name(column)}, ${fallback})`
    }),
    sql`, `,
  )
  const record = sql.join(
    columns.map(([, column]) => sql`${name(column)} ${sql.raw(column.getSQLType())}`),
    sql`, `,
  )
  const returned = sql.join(
    returning.map((column) => sql.identifier(column)),
    sql`, `,
  )
  return queryRows<Record<K, unknown>>(
    db,
    sql`insert into ${sql.identifier(getTableName(table))} (${list})
        select ${selected} from jsonb_to_recordset(${json}::jsonb) as rows(${record})
        on conflict do nothing
        returning ${returned}`,
  )
}
