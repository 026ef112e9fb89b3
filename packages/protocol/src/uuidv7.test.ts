import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { uuidV7Schema } from './primitives.js'
import { uuidv7, uuidv7Timestamp } from './uuidv7.js'

describe('uuidv7', () => {
  it('produces valid version-7 UUIDs that encode their timestamp', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 46 }), (ms) => {
        const id = uuidv7(ms)
        expect(uuidV7Schema.safeParse(id).success).toBe(true)
        expect(uuidv7Timestamp(id)).toBeGreaterThanOrEqual(ms)
      }),
    )
  })

  it('keeps ids from one process strictly ordered within the same millisecond', () => {
    const now = Date.now() + 10_000
    const ids = Array.from({ length: 5000 }, () => uuidv7(now))
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
  })
})
