/** Machine-readable webhook error codes. */
export type WebhookErrorCode =
  | 'invalid_url'
  | 'ssrf_refused'
  | 'dns_failed'
  | 'invalid_secret'
  | 'invalid_message'
  | 'invalid_options'
  | 'queue_failed'
  | 'send_crashed'
  | 'hook_failed'

/** Every failure the webhook module raises on purpose: a code to switch on, and the cause. */
export class WebhookError extends Error {
  override readonly name = 'WebhookError'

  constructor(
    readonly code: WebhookErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** The message of any thrown value, for error texts that keep the original as `cause`. */
export function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause)
}
