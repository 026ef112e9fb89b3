import { BusError, messageOf, type BusErrorCode } from '../errors.js'

// SQLSTATE classes worth retrying: connection exceptions, serialization failures, deadlocks,
// insufficient resources, operator intervention (e.g. admin shutdown during failover).
const RETRIABLE_SQLSTATE = /^(08|40|53|57)/
const RETRIABLE_NETWORK = /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|CONNECTION_/

/** Wraps a database failure with what the log was doing, keeping the cause and its retriability. */
export function sqlError(code: BusErrorCode, action: string, cause: unknown): BusError {
  if (cause instanceof BusError) return cause
  const sqlState =
    typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : ''
  const retriable = RETRIABLE_SQLSTATE.test(sqlState) || RETRIABLE_NETWORK.test(sqlState)
  return new BusError(code, `${action}: ${messageOf(cause)}`, retriable, { cause })
}

/** Runs `fn`, wrapping any failure with `sqlError`. */
export async function withSqlError<T>(
  code: BusErrorCode,
  action: string,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn()
  } catch (cause) {
    throw sqlError(code, action, cause)
  }
}
