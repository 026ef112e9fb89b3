/** Machine-readable evaluator error codes. */
export type EvaluatorErrorCode =
  | 'invalid_input'
  | 'model_not_found'
  | 'model_integrity'
  | 'invalid_manifest'
  | 'inference_failed'
  | 'closed'
  | 'overloaded'

/** Every failure an evaluator raises: a code, whether retrying may help, and the cause. */
export class EvaluatorError extends Error {
  override readonly name = 'EvaluatorError'

  constructor(
    readonly code: EvaluatorErrorCode,
    message: string,
    readonly retriable = false,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}
