/** Runs one parameterised SQL statement (`$1`, `$2`, …) and returns its rows. */
export interface SqlExecutor {
  query<T extends object>(sql: string, params?: readonly unknown[]): Promise<T[]>
}

/**
 * The little the embedded log needs from a Postgres client. Structural on purpose: the bus never
 * imports a driver (or the store); wrap one with `fromPglite` or `fromPostgresJs`.
 */
export interface SqlClient extends SqlExecutor {
  /** Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<R>(fn: (tx: SqlExecutor) => Promise<R>): Promise<R>
  /** Optional LISTEN: calls `onNotify` for each NOTIFY on `channel`; resolves to an unsubscribe. */
  listen?(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>
}

/** The parts of a PGlite instance (`@electric-sql/pglite`) the adapter uses. */
export interface PgliteLike {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>
  transaction<T>(
    fn: (tx: { query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[] }> }) => Promise<T>,
  ): Promise<T>
  listen?(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>>
}

/**
 * Adapts a PGlite instance. PGlite is one connection: its transactions hold it exclusively, so the
 * log's row locks never contend inside one process.
 * @example createEmbeddedBus({ client: fromPglite(await PGlite.create('./.anansi/db')) })
 */
export function fromPglite(db: PgliteLike): SqlClient {
  const listen = db.listen?.bind(db)
  return {
    query: async <T extends object>(sql: string, params?: readonly unknown[]) =>
      (await db.query<T>(sql, params === undefined ? undefined : [...params])).rows,
    transaction: (fn) =>
      db.transaction((tx) =>
        fn({
          query: async <T extends object>(sql: string, params?: readonly unknown[]) =>
            (await tx.query<T>(sql, params === undefined ? undefined : [...params])).rows,
        }),
      ),
    ...(listen === undefined ? {} : { listen }),
  } satisfies SqlClient
}

/** The parts of a postgres.js transaction handle (`TransactionSql`) the adapter uses. */
export interface PostgresJsTxLike {
  unsafe(sql: string, params?: unknown[]): PromiseLike<readonly object[]>
}

/** The parts of a postgres.js client (`postgres(url)`) the adapter uses. */
export interface PostgresJsLike extends PostgresJsTxLike {
  begin(fn: (tx: PostgresJsTxLike) => Promise<unknown>): PromiseLike<unknown>
  listen?(
    channel: string,
    onNotify: (payload: string) => void,
  ): PromiseLike<{ unlisten(): Promise<void> }>
}

/**
 * Adapts a postgres.js client (a pool). LISTEN uses one extra dedicated connection.
 * @example createEmbeddedBus({ client: fromPostgresJs(postgres(url)) })
 */
export function fromPostgresJs(sql: PostgresJsLike): SqlClient {
  const listen = sql.listen?.bind(sql)
  const run = async <T extends object>(
    target: PostgresJsTxLike,
    text: string,
    params?: readonly unknown[],
  ): Promise<T[]> =>
    [...(await target.unsafe(text, params === undefined ? [] : [...params]))] as T[]
  return {
    query: (text, params) => run(sql, text, params),
    async transaction<R>(fn: (tx: SqlExecutor) => Promise<R>): Promise<R> {
      const box: { value?: R } = {}
      await sql.begin(async (tx) => {
        box.value = await fn({ query: (text, params) => run(tx, text, params) })
      })
      return box.value as R
    },
    ...(listen === undefined
      ? {}
      : {
          async listen(channel: string, onNotify: (payload: string) => void) {
            const request = await listen(channel, onNotify)
            return () => request.unlisten()
          },
        }),
  } satisfies SqlClient
}
