import { sql, type SQL } from 'drizzle-orm'

// The text form Postgres accepts for a uuid (ignoring its rarer brace and hyphen-less forms).
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Whether an id can be compared with a uuid column; anything else would make Postgres fail the query. */
export function isUuid(id: string): boolean {
  return UUID_TEXT.test(id)
}

/** Copies a record without its undefined and null values: optional protocol fields are absent, never null. */
export function withoutNulls<T extends Record<string, unknown>>(
  record: T,
): { [K in keyof T]?: Exclude<T[K], null | undefined> } {
  return Object.fromEntries(
    Object.entries(record).filter(([, value]) => value !== null && value !== undefined),
  ) as { [K in keyof T]?: Exclude<T[K], null | undefined> }
}

/** A timestamp parameter, or the database clock when none is given (one clock for every replica). */
export function timeOrNow(at: Date | undefined): SQL {
  return at === undefined ? sql`now()` : sql`${at.toISOString()}::timestamptz`
}
