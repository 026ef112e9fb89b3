import type { Context } from 'hono'
import { ApiError } from '../http/api-error.js'

/** How an OTLP body is encoded; the answer goes back the same way. */
export type OtlpEncoding = 'protobuf' | 'json'

/** Largest OTLP body accepted, decompressed: a full BatchSpanProcessor batch of chatty GenAI spans. */
export const MAX_OTLP_BODY_BYTES = 16 * 1024 * 1024

/** The body's encoding from its Content-Type, or 415 for anything OTLP/HTTP does not define. */
export function otlpEncoding(c: Context): OtlpEncoding {
  const type = (c.req.header('content-type') ?? '').toLowerCase()
  if (/^application\/x-protobuf\b/.test(type)) return 'protobuf'
  if (/^application\/json\b/.test(type)) return 'json'
  throw new ApiError(
    415,
    'unsupported_media_type',
    'send OTLP as Content-Type: application/x-protobuf or application/json',
  )
}

function tooLarge(): ApiError {
  return new ApiError(413, 'payload_too_large', `the body exceeds ${MAX_OTLP_BODY_BYTES} bytes`, {
    limit: MAX_OTLP_BODY_BYTES,
  })
}

/**
 * Reads the raw body, gunzipping when `Content-Encoding: gzip`, and stops at the size limit while
 * streaming, so a small gzip bomb fails at the limit rather than after inflating.
 */
export async function readOtlpBody(c: Context): Promise<Uint8Array> {
  const encoding = (c.req.header('content-encoding') ?? 'identity').toLowerCase()
  if (encoding !== 'identity' && encoding !== 'gzip')
    throw new ApiError(415, 'unsupported_media_type', `unsupported Content-Encoding ${encoding}`)
  if (encoding === 'identity' && Number(c.req.header('content-length') ?? 0) > MAX_OTLP_BODY_BYTES)
    throw tooLarge()
  const raw = c.req.raw.body
  if (raw === null) return new Uint8Array(0)
  const stream: ReadableStream<Uint8Array> =
    encoding === 'gzip' ? raw.pipeThrough(new DecompressionStream('gzip')) : raw
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > MAX_OTLP_BODY_BYTES) {
        await reader.cancel()
        throw tooLarge()
      }
      chunks.push(value)
    }
  } catch (error) {
    if (error instanceof ApiError) throw error
    throw new ApiError(
      400,
      'bad_request',
      'the body could not be read (truncated or corrupt gzip?)',
      undefined,
      {
        cause: error,
      },
    )
  }
  const body = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.byteLength
  }
  return body
}
