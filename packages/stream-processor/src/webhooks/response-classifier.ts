import type { PostResponse } from './http-post.js'
import { parseRetryAfterMs } from './retry-after.js'

/** The outcome of one delivery attempt, as the dispatcher records it. */
export interface SendResult {
  ok: boolean
  statusCode?: number
  error?: string
  /** Whether a later attempt may succeed; false for success and for permanent failures. */
  retryable: boolean
  /** The receiver's `Retry-After` (429 and 503 only), in milliseconds. */
  retryAfterMs?: number
}

const SNIPPET_CHARS = 200
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f]+/g

/**
 * Maps a receiver's answer to a result: 2xx succeeds; 410 Gone is permanent (the receiver asks us
 * to stop); every other status, redirects included, may be transient and is retryable.
 */
export function classifyResponse(response: PostResponse, now: Date): SendResult {
  const { statusCode } = response
  if (statusCode >= 200 && statusCode < 300) return { ok: true, statusCode, retryable: false }
  if (statusCode === 410) {
    return { ok: false, statusCode, retryable: false, error: 'HTTP 410 Gone: receiver is gone' }
  }
  const result: SendResult = {
    ok: false,
    statusCode,
    retryable: true,
    error: describeFailure(response),
  }
  if (statusCode === 429 || statusCode === 503) {
    const retryAfterMs = parseRetryAfterMs(response.headers['retry-after'], now)
    if (retryAfterMs !== undefined) result.retryAfterMs = retryAfterMs
  }
  return result
}

function describeFailure(response: PostResponse): string {
  if (response.statusCode >= 300 && response.statusCode < 400) {
    const location = printable(response.headers.location ?? '')
    return `HTTP ${response.statusCode}: redirect to ${location || '(none)'} not followed`
  }
  const snippet = printable(response.body)
  return snippet === '' ? `HTTP ${response.statusCode}` : `HTTP ${response.statusCode}: ${snippet}`
}

// The text lands in a delivery log shown to users: keep it short and free of control characters.
function printable(text: string): string {
  return text.replace(CONTROL_CHARS, ' ').trim().slice(0, SNIPPET_CHARS)
}
