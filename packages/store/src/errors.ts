/** Machine-readable store error codes. */
export type StoreErrorCode =
  | 'connection_failed'
  | 'migration_failed'
  | 'query_failed'
  | 'invalid_argument'
  /** A row names another row the project does not have (e.g. a rule channel naming a foreign webhook). */
  | 'invalid_reference'

/** Every failure the store raises: a code to switch on, whether a retry may help, and the driver's cause. */
export class StoreError extends Error {
  override readonly name = 'StoreError'

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

// SQLSTATE classes worth retrying: connection exceptions, serialization failures, deadlocks,
// insufficient resources, operator intervention (e.g. admin shutdown during failover).
const RETRIABLE_SQLSTATE = /^(08|40|53|57)/

/** Wraps a driver failure with what the store was doing, keeping the cause and deciding retriability. */
export function wrapQueryError(action: string, cause: unknown): StoreError {
  if (cause instanceof StoreError) return cause
  const code =
    typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : ''
  const message = cause instanceof Error ? cause.message : String(cause)
  const retriable =
    RETRIABLE_SQLSTATE.test(code) ||
    /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|CONNECTION_/.test(code)
  return new StoreError('query_failed', `${action}: ${message}`, retriable, { cause })
}

/** A caller's input that the store refuses before touching the database (never retriable). */
export function invalidArgument(
  action: string,
  issues: readonly { message: string }[],
): StoreError {
  const detail = issues.map((issue) => issue.message).join('; ')
  return new StoreError('invalid_argument', `${action}: ${detail}`, false)
}
