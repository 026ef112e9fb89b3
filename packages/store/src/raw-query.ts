import type { SQL } from 'drizzle-orm'
import type { Database } from './drivers/database.js'
import { wrapQueryError } from './errors.js'

/**
 * Runs a raw SQL query and returns its rows the same way on every driver (postgres.js answers an
 * array, PGlite an object with `rows`). Scope it by project yourself.
 */
export async function queryRows<T extends Record<string, unknown>>(
  db: Database,
  query: SQL,
): Promise<T[]> {
  let result: unknown
  try {
    result = await db.execute(query)
  } catch (cause) {
    throw wrapQueryError('raw query', cause)
  }
  if (Array.isArray(result)) return result as T[]
  if (
    typeof result === 'object' &&
    result !== null &&
    'rows' in result &&
    Array.isArray(result.rows)
  )
    return result.rows as T[]
  throw new TypeError('unexpected driver result shape')
}
