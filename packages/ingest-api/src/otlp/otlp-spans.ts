import type { SpanLike } from '@anansi/protocol'

/** Spans of one OTLP request, each with its resource and scope, as both decoders lay them out. */
export interface DecodedTraces {
  spans: SpanLike[]
}

/** Nesting bound for attribute values (arrays and key/value lists inside each other). */
export const MAX_VALUE_DEPTH = 16

/** A record for wire-supplied keys: no prototype, so a `__proto__` key is just a key. */
export function attributeRecord(): Record<string, unknown> {
  return Object.create(null) as Record<string, unknown>
}

/** An OTLP int64 as a number when exact, else as its decimal string. */
export function int64Value(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString()
}

/** Nanoseconds since the epoch as milliseconds, keeping microseconds. */
export function nanosToMs(nanos: bigint): number {
  return Number(nanos / 1000n) / 1000
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** Bytes as lowercase hex (trace and span ids). */
export function toHex(bytes: Uint8Array): string {
  let out = ''
  for (const byte of bytes) out += HEX[byte] ?? '00'
  return out
}
