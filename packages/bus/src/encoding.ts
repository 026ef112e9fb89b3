const encoder = new TextEncoder()

/** A message value as bytes: strings are encoded as UTF-8, byte arrays pass through. */
export function toBytes(value: Uint8Array | string): Uint8Array {
  return typeof value === 'string' ? encoder.encode(value) : value
}

/** A plain `Uint8Array` view of driver bytes (a Node `Buffer` becomes a view on the same memory). */
export function asUint8Array(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}
