const SEED = 0x9747b28c
const M = 0x5bd1e995
const encoder = new TextEncoder()

/** Kafka's murmur2 (Java `Utils.murmur2`): a signed 32-bit hash of the bytes. */
export function murmur2(data: Uint8Array): number {
  const length = data.length
  let h = (SEED ^ length) | 0
  const blocks = length - (length % 4)
  for (let i = 0; i < blocks; i += 4) {
    let k =
      (data[i] ?? 0) |
      ((data[i + 1] ?? 0) << 8) |
      ((data[i + 2] ?? 0) << 16) |
      ((data[i + 3] ?? 0) << 24)
    k = Math.imul(k, M)
    k ^= k >>> 24
    k = Math.imul(k, M)
    h = Math.imul(h, M) ^ k
  }
  // The 1-3 trailing bytes (Java's switch with fall-through).
  const tail = length % 4
  if (tail === 3) h ^= (data[blocks + 2] ?? 0) << 16
  if (tail >= 2) h ^= (data[blocks + 1] ?? 0) << 8
  if (tail >= 1) h = Math.imul(h ^ (data[blocks] ?? 0), M)
  h ^= h >>> 13
  h = Math.imul(h, M)
  h ^= h >>> 15
  return h | 0
}

/**
 * The partition of a key: `(murmur2(utf8(key)) & 0x7fffffff) % partitions`, exactly what Kafka's
 * Java client and kafkajs's default partitioner compute, so both adapters route a key alike.
 */
export function partitionForKey(key: string, partitions: number): number {
  return (murmur2(encoder.encode(key)) & 0x7fffffff) % partitions
}
