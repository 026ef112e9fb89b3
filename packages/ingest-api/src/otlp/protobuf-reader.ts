/** A protobuf body that does not follow the wire format (truncated, bad lengths, too deep). */
export class ProtobufError extends Error {
  override readonly name = 'ProtobufError'
  readonly code = 'invalid_protobuf'
}

/** Protobuf wire types. */
export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const

const utf8 = new TextDecoder('utf-8')

/**
 * Reads the protobuf wire format (varints, fixed-width numbers, length-delimited fields) from a
 * byte range. Just enough for OTLP, whose schema is stable; every read is bounds-checked and
 * fails with {@link ProtobufError} rather than reading past the end.
 */
export class ProtobufReader {
  private pos: number

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start
  }

  /** Whether every field was read. */
  get done(): boolean {
    return this.pos >= this.end
  }

  /** The next field's number and wire type. */
  tag(): { field: number; wire: number } {
    const key = this.varint()
    const field = Math.floor(key / 8)
    if (field === 0) throw new ProtobufError('field number 0')
    return { field, wire: key % 8 }
  }

  /** A varint that fits a double exactly (tags, lengths, enums, counts). */
  varint(): number {
    let result = 0
    let scale = 1
    for (let i = 0; i < 10; i += 1) {
      const byte = this.byte()
      result += (byte & 0x7f) * scale
      if (byte < 0x80) {
        if (!Number.isSafeInteger(result)) throw new ProtobufError('varint out of range')
        return result
      }
      scale *= 128
    }
    throw new ProtobufError('varint longer than 10 bytes')
  }

  /** A signed 64-bit varint (`int64`), exactly. */
  int64(): bigint {
    let result = 0n
    for (let i = 0n; i < 10n; i += 1n) {
      const byte = this.byte()
      result |= BigInt(byte & 0x7f) << (7n * i)
      if (byte < 0x80) return BigInt.asIntN(64, result)
    }
    throw new ProtobufError('varint longer than 10 bytes')
  }

  /** A little-endian unsigned 64-bit number (`fixed64`). */
  fixed64(): bigint {
    return this.view(8).getBigUint64(0, true)
  }

  /** A little-endian IEEE 754 double. */
  double(): number {
    return this.view(8).getFloat64(0, true)
  }

  /** A length-delimited field's bytes (a view, not a copy). */
  bytes(): Uint8Array {
    const length = this.varint()
    if (length > this.end - this.pos) throw new ProtobufError('length past the end of the message')
    const bytes = this.buf.subarray(this.pos, this.pos + length)
    this.pos += length
    return bytes
  }

  /** A length-delimited UTF-8 string (invalid sequences become U+FFFD, as protobuf runtimes do). */
  string(): string {
    return utf8.decode(this.bytes())
  }

  /** A reader over an embedded message. */
  message(): ProtobufReader {
    const length = this.varint()
    if (length > this.end - this.pos) throw new ProtobufError('length past the end of the message')
    const start = this.pos
    this.pos += length
    return new ProtobufReader(this.buf, start, start + length)
  }

  /** Skips a field this decoder does not read. */
  skip(wire: number): void {
    if (wire === WIRE.varint) this.varint()
    else if (wire === WIRE.fixed64) this.advance(8)
    else if (wire === WIRE.bytes) this.bytes()
    else if (wire === WIRE.fixed32) this.advance(4)
    else throw new ProtobufError(`unsupported wire type ${wire}`)
  }

  private byte(): number {
    if (this.pos >= this.end) throw new ProtobufError('truncated message')
    const byte = this.buf[this.pos] ?? 0
    this.pos += 1
    return byte
  }

  private advance(count: number): void {
    if (count > this.end - this.pos) throw new ProtobufError('truncated message')
    this.pos += count
  }

  private view(count: number): DataView {
    const at = this.pos
    this.advance(count)
    return new DataView(this.buf.buffer, this.buf.byteOffset + at, count)
  }
}
