/** Why the processor reports a problem. */
export type ProcessorErrorCode =
  | 'invalid_policy'
  | 'batch_failed'
  | 'dead_letter'
  | 'publish_failed'
  | 'invalid_options'
  | 'consumer_failed'

/** A failure inside the stream processor; `code` is stable for logs and alerts. */
export class ProcessorError extends Error {
  override readonly name = 'ProcessorError'

  constructor(
    readonly code: ProcessorErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}
