import type { Compressor } from '../transport/http-sender.js'

interface CompressionStreamLike {
  readonly readable: ReadableStream<Uint8Array>
  readonly writable: WritableStream<Uint8Array>
}
type CompressionStreamConstructor = new (format: 'gzip') => CompressionStreamLike

/** Gzip through the standard CompressionStream, or undefined where the runtime lacks it. */
export function webGzip(): Compressor | undefined {
  const Stream = (globalThis as { CompressionStream?: CompressionStreamConstructor })
    .CompressionStream
  if (Stream === undefined) return undefined
  return async (data) => {
    const body = new Blob([data]).stream().pipeThrough(new Stream('gzip'))
    return new Uint8Array(await new Response(body).arrayBuffer())
  }
}
