/** Machine-readable bus error codes. */
export type BusErrorCode =
  | 'connection_failed'
  | 'send_failed'
  | 'send_timeout'
  | 'commit_failed'
  | 'fetch_failed'
  | 'handler_failed'
  | 'callback_failed'
  | 'consumer_crashed'
  | 'group_failed'
  | 'unknown_topic'
  | 'topic_mismatch'
  | 'admin_failed'
  | 'invalid_argument'
  | 'closed'

/** Every failure the bus raises: a code to switch on, whether a retry may help, and the cause. */
export class BusError extends Error {
  override readonly name = 'BusError'

  constructor(
    readonly code: BusErrorCode,
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** The message of any thrown value, for error texts that keep the original as `cause`. */
export function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause)
}

/** Wraps a failure of the batch handler or a partition callback; retriable, since the bus redelivers. */
export function handlerError(
  code: 'handler_failed' | 'callback_failed',
  where: string,
  cause: unknown,
): BusError {
  return new BusError(code, `${where}: ${messageOf(cause)}`, true, { cause })
}
