import type { BusError } from './errors.js'
import type { BusLogger } from './logger.js'

/**
 * Routes a failure to the user's `onError`, or to the logger when there is none; a throwing
 * `onError` is logged too. Nothing the bus catches ends up unreported.
 */
export function errorReporter(
  onError: ((error: BusError) => void) | undefined,
  logger: BusLogger,
  fields: Record<string, unknown>,
): (error: BusError) => void {
  return (error) => {
    if (onError === undefined) {
      logger.error(error.message, {
        ...fields,
        code: error.code,
        retriable: error.retriable,
        cause: error.cause,
      })
      return
    }
    try {
      onError(error)
    } catch (thrown) {
      logger.error('onError threw while reporting a bus error', {
        ...fields,
        error: thrown,
        reported: error,
      })
    }
  }
}
