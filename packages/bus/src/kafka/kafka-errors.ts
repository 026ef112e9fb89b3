import { BusError, messageOf, type BusErrorCode } from '../errors.js'

interface KafkaJsErrorLike {
  name: string
  retriable?: unknown
  type?: unknown
  cause?: unknown
}

function isKafkaJsError(error: unknown): error is KafkaJsErrorLike {
  return error instanceof Error && error.name.startsWith('KafkaJS')
}

/** The innermost kafkajs error (kafkajs wraps the real failure in `NumberOfRetriesExceeded`). */
function rootCause(error: unknown): unknown {
  let current = error
  for (
    let depth = 0;
    depth < 10 && isKafkaJsError(current) && current.cause !== undefined;
    depth++
  ) {
    current = current.cause
  }
  return current
}

/** The Kafka protocol error type (e.g. `UNKNOWN_TOPIC_OR_PARTITION`) behind a kafkajs error, if any. */
export function protocolErrorType(error: unknown): string | undefined {
  const root = rootCause(error)
  return isKafkaJsError(root) && typeof root.type === 'string' ? root.type : undefined
}

/**
 * Whether trying again later may help: kafkajs's own `retriable` flag, looking through
 * "retries exceeded" to the error that was being retried. Non-kafkajs errors (bugs) never are.
 */
export function isRetriable(error: unknown): boolean {
  if (!isKafkaJsError(error)) return false
  if (error.name === 'KafkaJSNumberOfRetriesExceeded') return isRetriable(error.cause)
  return error.retriable === true
}

/** Whether a kafkajs error means the group is rebalancing (the member must rejoin). */
export function isRebalanceError(error: unknown): boolean {
  const type = protocolErrorType(error)
  return (
    type === 'REBALANCE_IN_PROGRESS' ||
    type === 'NOT_COORDINATOR_FOR_GROUP' ||
    type === 'ILLEGAL_GENERATION' ||
    type === 'UNKNOWN_MEMBER_ID'
  )
}

/** Wraps a kafkajs failure as a `BusError`, keeping it as the cause. */
export function kafkaError(code: BusErrorCode, action: string, cause: unknown): BusError {
  if (cause instanceof BusError) return cause
  const type = protocolErrorType(cause)
  const mapped: BusErrorCode = type === 'UNKNOWN_TOPIC_OR_PARTITION' ? 'unknown_topic' : code
  return new BusError(mapped, `${action}: ${messageOf(cause)}`, isRetriable(cause), { cause })
}
