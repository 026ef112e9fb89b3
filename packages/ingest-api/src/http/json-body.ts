import type { Context } from 'hono'
import { ApiError } from './api-error.js'

/**
 * Reads a JSON request body, gzip or plain, enforcing `limitBytes` on the decompressed size while
 * streaming (a small gzip bomb fails at the limit, not after inflating). Errors are typed:
 * 415 wrong content type, 413 too large, 400 invalid UTF-8 or JSON.
 */
export async function readJsonBody(c: Context, limitBytes: number): Promise<unknown> {
  const type = c.req.header('content-type') ?? ''
  if (!/^application\/json\b/i.test(type))
    throw new ApiError(415, 'unsupported_media_type', 'send Content-Type: application/json')
  const encoding = (c.req.header('content-encoding') ?? 'identity').toLowerCase()
  if (encoding !== 'identity' && encoding !== 'gzip')
    throw new ApiError(415, 'unsupported_media_type', `unsupported Content-Encoding ${encoding}`)
  const declared = Number(c.req.header('content-length') ?? NaN)
  if (encoding === 'identity' && declared > limitBytes) throw tooLarge(limitBytes)
  const raw = c.req.raw.body
  if (raw === null) throw new ApiError(400, 'bad_request', 'the request has no body')
  const stream = encoding === 'gzip' ? raw.pipeThrough(new DecompressionStream('gzip')) : raw
  const bytes = await collect(stream, limitBytes)
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new ApiError(400, 'bad_request', 'the body is not valid UTF-8')
  }
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new ApiError(
      400,
      'invalid_json',
      `the body is not valid JSON: ${error instanceof Error ? error.message : 'parse error'}`,
    )
  }
}

function tooLarge(limitBytes: number): ApiError {
  return new ApiError(413, 'payload_too_large', `the body exceeds ${limitBytes} bytes`, {
    limit: limitBytes,
  })
}

async function collect(
  stream: ReadableStream<Uint8Array>,
  limitBytes: number,
): Promise<Uint8Array> {
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > limitBytes) {
        await reader.cancel()
        throw tooLarge(limitBytes)
      }
      chunks.push(value)
    }
  } catch (error) {
    if (error instanceof ApiError) throw error
    throw new ApiError(
      400,
      'bad_request',
      'the body could not be read (truncated or corrupt gzip?)',
    )
  }
  const out = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}
