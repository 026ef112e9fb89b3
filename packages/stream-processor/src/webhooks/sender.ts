import { messageOf, WebhookError } from './errors.js'
import { postPinned } from './http-post.js'
import { classifyResponse, type SendResult } from './response-classifier.js'
import { signWebhook } from './signer.js'
import { type AddressLookup, assertDeliverableUrl } from './ssrf-guard.js'

/** Default limit on one whole delivery attempt (DNS, connect, request and response). */
export const DEFAULT_TIMEOUT_MS = 10_000
/** Default number of response bytes read (for the delivery log); the rest is discarded. */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024

/** What one delivery sends: the URL, the signing secret, the `webhook-id` and the JSON payload. */
export interface WebhookMessage {
  url: string
  secret: string
  messageId: string
  payload: unknown
}

/** Options for {@link sendWebhook}. */
export interface SendOptions {
  /** Operator switch: allow loopback/private targets (local development, tests). */
  allowPrivate: boolean
  timeoutMs?: number
  maxResponseBytes?: number
  /** Clock for the signature timestamp and `Retry-After` dates. */
  now?: () => Date
  lookup?: AddressLookup
}

/**
 * Delivers one signed webhook: SSRF check, Standard Webhooks signature, one POST to the checked
 * address under a timeout. Never throws for a failed delivery; the result says whether to retry.
 */
export async function sendWebhook(
  message: WebhookMessage,
  options: SendOptions,
): Promise<SendResult> {
  const now = options.now ?? (() => new Date())
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), timeoutMs)
  try {
    const body = serialize(message.payload)
    const headers = signWebhook({
      secret: message.secret,
      messageId: message.messageId,
      timestamp: now(),
      body,
    })
    const target = await assertDeliverableUrl(message.url, {
      allowPrivate: options.allowPrivate,
      lookup: options.lookup,
      signal: controller.signal,
    })
    const response = await postPinned(target, {
      headers: { ...headers, 'user-agent': 'anansi-watchdog-webhooks' },
      body,
      signal: controller.signal,
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    })
    return classifyResponse(response, now())
  } catch (error) {
    return failureResult(error, controller.signal.aborted, timeoutMs)
  } finally {
    clearTimeout(timer)
  }
}

function serialize(payload: unknown): string {
  let body: string | undefined
  try {
    body = JSON.stringify(payload)
  } catch (cause) {
    throw new WebhookError('invalid_message', `payload is not JSON: ${messageOf(cause)}`, { cause })
  }
  if (body === undefined) throw new WebhookError('invalid_message', 'payload is not JSON')
  return body
}

function failureResult(error: unknown, timedOut: boolean, timeoutMs: number): SendResult {
  // A refused or malformed target stays refused; only DNS trouble may clear up by itself.
  if (error instanceof WebhookError && error.code !== 'dns_failed') {
    return { ok: false, retryable: false, error: `${error.code}: ${error.message}` }
  }
  if (timedOut) return { ok: false, retryable: true, error: `timed out after ${timeoutMs} ms` }
  if (error instanceof WebhookError) {
    return { ok: false, retryable: true, error: `${error.code}: ${error.message}` }
  }
  const code = errorCode(error)
  const detail = code === undefined ? messageOf(error) : `${code} ${messageOf(error)}`
  return { ok: false, retryable: true, error: `network error: ${detail}` }
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined
  return typeof error.code === 'string' ? error.code : undefined
}
