/**
 * Rows per multi-row statement. Postgres takes at most 65,535 bind parameters per statement and
 * drizzle builds the statement recursively, so a processed batch of thousands of events (and ten
 * times as many evaluations) is written in slices — still inside the caller's one transaction.
 */
export const ROWS_PER_STATEMENT = 500

/** Runs `write` on consecutive slices of `rows` and concatenates what each returns, in order. */
export async function inSlices<Row, Result>(
  rows: readonly Row[],
  write: (slice: Row[]) => Promise<Result[]>,
  size: number = ROWS_PER_STATEMENT,
): Promise<Result[]> {
  const results: Result[] = []
  for (let i = 0; i < rows.length; i += size) {
    for (const result of await write(rows.slice(i, i + size))) results.push(result)
  }
  return results
}
