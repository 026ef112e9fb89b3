import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeOtlpProto } from './decode-otlp-proto.js'
import { ProtobufError, ProtobufReader } from './protobuf-reader.js'

/** A varint's bytes, as protobuf writes an unsigned 64-bit value. */
function varintBytes(value: bigint): number[] {
  const out: number[] = []
  let rest = BigInt.asUintN(64, value)
  while (rest >= 0x80n) {
    out.push(Number(rest & 0x7fn) | 0x80)
    rest >>= 7n
  }
  out.push(Number(rest))
  return out
}

describe('ProtobufReader', () => {
  it('reads back every int64 varint exactly, and safe integers as numbers', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (value) => {
        expect(new ProtobufReader(new Uint8Array(varintBytes(value))).int64()).toBe(value)
      }),
    )
    fc.assert(
      fc.property(fc.maxSafeNat(), (value) => {
        expect(new ProtobufReader(new Uint8Array(varintBytes(BigInt(value)))).varint()).toBe(value)
      }),
    )
  })

  it('never reads past the end of a message', () => {
    const reader = new ProtobufReader(new Uint8Array([0x0a, 0x05, 0x61]))
    reader.tag()
    expect(() => reader.bytes()).toThrow(ProtobufError)
    expect(() => new ProtobufReader(new Uint8Array([0x80, 0x80])).varint()).toThrow('truncated')
  })

  it('decodes any bytes to spans or fails with a ProtobufError, nothing else (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        try {
          const { spans } = decodeOtlpProto(bytes)
          expect(Array.isArray(spans)).toBe(true)
        } catch (error) {
          expect(error).toBeInstanceOf(ProtobufError)
        }
      }),
      { numRuns: 2000 },
    )
  })
})
