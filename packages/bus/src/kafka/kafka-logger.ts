import { logLevel, type logCreator } from 'kafkajs'
import type { BusLogger } from '../logger.js'

/**
 * Routes kafkajs's log lines into the bus logger (kafkajs prints JSON to the console by default).
 * Levels are kept, with one exception: kafkajs's Connection layer logs every error *response* at
 * ERROR before the code that sent the request retries it, rejoins the group or fails. Routine
 * answers such as REBALANCE_IN_PROGRESS would then read as errors on every rebalance, so those
 * lines go to `info`; a failure that matters still reaches the caller as a thrown error, which the
 * bus reports.
 */
export function kafkaLogCreator(logger: BusLogger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _source, ...fields } = log
      const text = `kafkajs ${namespace}: ${message}`
      const isResponseError = namespace === 'Connection' && message.startsWith('Response ')
      if (level === logLevel.ERROR && !isResponseError) logger.error(text, fields)
      else if (level === logLevel.WARN) logger.warn(text, fields)
      else if (level === logLevel.INFO || isResponseError) logger.info(text, fields)
      else logger.debug(text, fields)
    }
}
