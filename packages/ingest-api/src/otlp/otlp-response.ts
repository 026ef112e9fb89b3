import type { OtlpEncoding } from './read-otlp-body.js'

/** OTLP's partial success: spans the server refused, and a message (a warning when none were). */
export interface PartialSuccess {
  rejectedSpans: number
  errorMessage: string
}

function varint(value: number, out: number[]): void {
  let rest = value
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80)
    rest = Math.floor(rest / 0x80)
  }
  out.push(rest)
}

function lengthDelimited(field: number, bytes: Uint8Array | number[], out: number[]): void {
  varint(field * 8 + 2, out)
  varint(bytes.length, out)
  for (const byte of bytes) out.push(byte)
}

/**
 * An `ExportTraceServiceResponse` (partial_success 1: rejected_spans 1, error_message 2) in the
 * request's encoding. Without a partial success the protobuf answer is empty and the JSON one `{}`.
 */
export function encodeOtlpResponse(
  encoding: OtlpEncoding,
  partial: PartialSuccess | undefined,
): { body: Uint8Array | string; contentType: string } {
  if (encoding === 'json')
    return {
      body: JSON.stringify(partial === undefined ? {} : { partialSuccess: partial }),
      contentType: 'application/json',
    }
  const out: number[] = []
  if (partial !== undefined) {
    const inner: number[] = []
    if (partial.rejectedSpans > 0) {
      varint(1 * 8, inner)
      varint(partial.rejectedSpans, inner)
    }
    if (partial.errorMessage !== '')
      lengthDelimited(2, new TextEncoder().encode(partial.errorMessage), inner)
    lengthDelimited(1, inner, out)
  }
  return { body: new Uint8Array(out), contentType: 'application/x-protobuf' }
}
