import { describe, expect, it } from 'vitest'
import { murmur2, partitionForKey } from './partitioner.js'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

describe('murmur2', () => {
  it('matches the vectors of Kafka’s Java client (UtilsTest.testMurmur2)', () => {
    expect(murmur2(bytes('21'))).toBe(-973932308)
    expect(murmur2(bytes('foobar'))).toBe(-790332482)
    expect(murmur2(bytes('a-little-bit-long-string'))).toBe(-985981536)
    expect(murmur2(bytes('a-little-bit-longer-string'))).toBe(-1486304829)
    expect(murmur2(bytes('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'))).toBe(-58897971)
    expect(murmur2(new Uint8Array([97, 98, 99]))).toBe(479470107)
  })

  it('hashes the empty key and multi-byte UTF-8 keys like kafkajs does', () => {
    expect(murmur2(new Uint8Array(0))).toBe(275646681)
    expect(murmur2(bytes('ü€😀'))).toBe(-1727201672)
    expect(murmur2(bytes('project-1:gpt-4o'))).toBe(-461464352)
  })
})

describe('partitionForKey', () => {
  it('is the positive hash modulo the partition count, stable for a key', () => {
    expect(partitionForKey('21', 8)).toBe((-973932308 & 0x7fffffff) % 8)
    for (const key of ['a', 'b', 'project:model', '']) {
      const p = partitionForKey(key, 12)
      expect(p).toBeGreaterThanOrEqual(0)
      expect(p).toBeLessThan(12)
      expect(partitionForKey(key, 12)).toBe(p)
    }
  })
})
