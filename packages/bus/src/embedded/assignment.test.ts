import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { partitionKey } from '../partition-callbacks.js'
import { assignPartitions } from './assignment.js'

describe('assignPartitions', () => {
  it('gives every partition to exactly one live member, evenly', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 }),
        fc.dictionary(fc.stringMatching(/^[a-z]{1,4}$/), fc.integer({ min: 1, max: 9 })),
        (members, topics) => {
          const counts = new Map(Object.entries(topics))
          const shares = members.map((m) => assignPartitions(members, counts, m))
          const all = shares.flat().map(partitionKey)
          const total = [...counts.values()].reduce((a, b) => a + b, 0)
          expect(all).toHaveLength(total)
          expect(new Set(all).size).toBe(total)
          const sizes = shares.map((s) => s.length)
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
        },
      ),
    )
  })

  it('does not depend on the order members are listed in, and gives a non-member nothing', () => {
    const counts = new Map([
      ['b', 3],
      ['a', 2],
    ])
    expect(assignPartitions(['m2', 'm1'], counts, 'm1')).toEqual(
      assignPartitions(['m1', 'm2'], counts, 'm1'),
    )
    expect(assignPartitions(['m1', 'm2'], counts, 'm1')).toEqual([
      { topic: 'a', partition: 0 },
      { topic: 'b', partition: 0 },
      { topic: 'b', partition: 2 },
    ])
    expect(assignPartitions(['m1'], counts, 'stranger')).toEqual([])
  })
})
