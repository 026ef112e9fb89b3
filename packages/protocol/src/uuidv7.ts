let lastMillis = 0
let sequence = 0

/**
 * Generates an RFC 9562 UUIDv7 (48-bit Unix milliseconds, 74 random bits). Ids made in the same
 * millisecond by one process stay ordered through a 12-bit counter in `rand_a`. Runs on any runtime
 * with Web Crypto (Node ≥ 20, browsers, edge workers).
 */
export function uuidv7(now: number = Date.now()): string {
  const bytes = new Uint8Array(16)
  crypto.getRandomValues(bytes)
  if (now > lastMillis) {
    lastMillis = now
    sequence = ((bytes[6] ?? 0) & 0x03) * 256 + (bytes[7] ?? 0) // random start keeps ids unguessable
  } else {
    sequence = (sequence + 1) & 0x0fff
    if (sequence === 0) lastMillis += 1 // counter wrapped: borrow the next millisecond to stay ordered
  }
  const millis = Math.max(now, lastMillis)
  for (let i = 5; i >= 0; i -= 1) bytes[5 - i] = Math.floor(millis / 2 ** (8 * i)) & 0xff
  bytes[6] = 0x70 | ((sequence >> 8) & 0x0f)
  bytes[7] = sequence & 0xff
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f)
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** Reads the millisecond timestamp encoded in a UUIDv7. */
export function uuidv7Timestamp(id: string): number {
  return Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)
}
