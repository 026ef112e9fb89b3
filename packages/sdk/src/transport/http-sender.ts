import { TransportError } from '../errors.js'
import type { HttpPost, HttpReply } from './http-post.js'
import { isRetriableStatus, parseRetryAfter } from './retry-policy.js'
import { withTimeout } from './timers.js'
import { parseJsonSafely, readErrorBody, readRejected, type RejectedEvent } from './wire-guards.js'

/** Gzips bytes; each runtime brings its own (zlib on Node, CompressionStream elsewhere). */
export type Compressor = (data: Uint8Array) => Promise<Uint8Array>

/** What one POST of a batch came to. */
export type SendOutcome =
  | { kind: 'accepted'; rejected: RejectedEvent[] }
  | { kind: 'retry'; error: TransportError; retryAfterMs: number | undefined }
  | { kind: 'failed'; error: TransportError }
  | { kind: 'encoding_refused' }

/** How to reach the ingest API. */
export interface SenderOptions {
  endpoint: string
  apiKey: string
  timeoutMs: number
  post: HttpPost
  compress: Compressor | undefined
  userAgent: string
}

/** Bodies smaller than this are sent as they are: gzip would cost more than it saves. */
const COMPRESS_FROM_BYTES = 1024
const utf8 = new TextEncoder()

async function encode(
  body: string,
  compress: Compressor | undefined,
): Promise<{ payload: string | Uint8Array; gzipped: boolean }> {
  if (compress === undefined || body.length < COMPRESS_FROM_BYTES)
    return { payload: body, gzipped: false }
  return { payload: await compress(utf8.encode(body)), gzipped: true }
}

function statusError(
  status: number,
  text: string,
  retryAfterMs: number | undefined,
): TransportError {
  const body = readErrorBody(parseJsonSafely(text))
  return new TransportError(
    'http_status',
    `POST /v1/events answered ${status}${body ? ` ${body.code}: ${body.message}` : ''}`,
    {
      status,
      ...(body ? { apiCode: body.code } : {}),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    },
  )
}

function retryAfterOf(reply: HttpReply): number | undefined {
  const header = parseRetryAfter(reply.header('retry-after'))
  if (header !== undefined) return header
  const seconds = readErrorBody(parseJsonSafely(reply.body))?.retryAfterSeconds
  return seconds === undefined ? undefined : seconds * 1000
}

/**
 * POSTs one batch body to `/v1/events` and classifies the answer; never throws. 202/207 are
 * accepted (207 lists rejected events), 429/502/503/504 and network errors are retriable, the rest fail.
 */
export async function sendBatch(
  body: string,
  options: SenderOptions,
  signal?: AbortSignal,
): Promise<SendOutcome> {
  let reply: HttpReply
  try {
    const { payload, gzipped } = await encode(body, options.compress)
    const headers: Record<string, string> = {
      authorization: `Bearer ${options.apiKey}`,
      'content-type': 'application/json',
      'x-anansi-sdk': options.userAgent,
    }
    if (gzipped) headers['content-encoding'] = 'gzip'
    reply = await options.post(
      `${options.endpoint}/v1/events`,
      headers,
      payload,
      withTimeout(signal, options.timeoutMs),
    )
    if (reply.status === 415 && gzipped) return { kind: 'encoding_refused' }
  } catch (cause) {
    const error = new TransportError('network', `POST /v1/events failed: ${String(cause)}`, {
      cause,
    })
    return { kind: 'retry', error, retryAfterMs: undefined }
  }
  if (reply.status === 202 || reply.status === 207 || reply.status === 200)
    return { kind: 'accepted', rejected: readRejected(parseJsonSafely(reply.body)) }
  const retryAfterMs = retryAfterOf(reply)
  const error = statusError(reply.status, reply.body, retryAfterMs)
  return isRetriableStatus(reply.status)
    ? { kind: 'retry', error, retryAfterMs }
    : { kind: 'failed', error }
}
