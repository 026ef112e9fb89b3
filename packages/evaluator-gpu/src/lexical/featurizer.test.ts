import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { featurize, normalizeText } from './featurizer.js'
import { murmur3Utf8 } from './murmur3.js'

const fixtureSchema = z.object({
  buckets: z.number(),
  cases: z.array(
    z.object({ text: z.string(), features: z.array(z.tuple([z.number(), z.number()])) }),
  ),
})
const fixture = fixtureSchema.parse(
  JSON.parse(
    readFileSync(
      join(import.meta.dirname, '..', '..', 'fixtures', 'featurizer-parity.json'),
      'utf8',
    ),
  ),
)

const sorted = (text: string): [number, number][] => {
  const f = featurize(text)
  return f.indices
    .map((index, i): [number, number] => [index, f.counts[i] ?? 0])
    .sort((a, b) => a[0] - b[0])
}

describe('murmur3Utf8', () => {
  it('matches the reference MurmurHash3 x86_32 vectors', () => {
    expect(murmur3Utf8('')).toBe(0)
    expect(murmur3Utf8('', 1)).toBe(0x514e28b7)
    expect(murmur3Utf8('hello')).toBe(613153351)
    expect(murmur3Utf8('The quick brown fox jumps over the lazy dog')).toBe(0x2e4ff723)
  })

  it('hashes exactly the UTF-8 bytes TextEncoder produces, for any string', () => {
    const reference = (text: string): number => {
      // Straightforward byte-array implementation to compare the streaming one against.
      const bytes = new TextEncoder().encode(text)
      let h = 0
      const blocks = bytes.length >> 2
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      for (let b = 0; b < blocks; b += 1) {
        let k = view.getUint32(b * 4, true)
        k = Math.imul(k, 0xcc9e2d51)
        k = (k << 15) | (k >>> 17)
        k = Math.imul(k, 0x1b873593)
        h ^= k
        h = (h << 13) | (h >>> 19)
        h = (Math.imul(h, 5) + 0xe6546b64) | 0
      }
      let k = 0
      const tail = blocks * 4
      for (let j = bytes.length - 1; j >= tail; j -= 1) k = (k << 8) | (bytes[j] ?? 0)
      if (bytes.length > tail) {
        k = Math.imul(k, 0xcc9e2d51)
        k = (k << 15) | (k >>> 17)
        k = Math.imul(k, 0x1b873593)
        h ^= k
      }
      h ^= bytes.length
      h ^= h >>> 16
      h = Math.imul(h, 0x85ebca6b)
      h ^= h >>> 13
      h = Math.imul(h, 0xc2b2ae35)
      h ^= h >>> 16
      return h >>> 0
    }
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 64 }), (s) => {
        expect(murmur3Utf8(s)).toBe(reference(s))
      }),
    )
  })
})

describe('featurizer parity with the Python training code', () => {
  it('uses the same bucket count as the fixtures', () => expect(fixture.buckets).toBe(262_144))
  it.each(fixture.cases.map((c, i) => [i, c.text.slice(0, 40), c] as const))(
    'case %i: %j',
    (_i, _label, c) => {
      expect(sorted(c.text)).toEqual(c.features)
    },
  )
})

describe('featurizer', () => {
  it('flags truncation at 4096 code points, counting astral characters once', () => {
    expect(normalizeText('😀'.repeat(4096)).truncated).toBe(false)
    expect(normalizeText('😀'.repeat(4097)).truncated).toBe(true)
    expect(featurize('a '.repeat(5000)).truncated).toBe(true)
  })

  it('never throws and keeps indices in range for any string, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        const f = featurize(s)
        expect(new Set(f.indices).size).toBe(f.indices.length)
        for (const i of f.indices) expect(i >= 0 && i < 262_144).toBe(true)
        for (const c of f.counts) expect(c).toBeGreaterThan(0)
      }),
    )
  })
})
