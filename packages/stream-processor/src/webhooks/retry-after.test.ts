import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseRetryAfterMs } from './retry-after.js'

const now = new Date('2030-05-01T12:00:00Z')

describe('parseRetryAfterMs', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfterMs('5', now)).toBe(5000)
    expect(parseRetryAfterMs(' 120 ', now)).toBe(120_000)
    expect(parseRetryAfterMs('0', now)).toBe(0)
  })

  it('reads an HTTP date relative to now, and a past date as now', () => {
    expect(parseRetryAfterMs('Wed, 01 May 2030 12:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfterMs('Wed, 01 May 2030 11:00:00 GMT', now)).toBe(0)
  })

  it('ignores absent and malformed values', () => {
    for (const value of [undefined, '', '-1', '1.5', '5s', 'soon', '1e3']) {
      expect(parseRetryAfterMs(value, now)).toBeUndefined()
    }
  })

  it('returns a non-negative integer or undefined for any input', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const ms = parseRetryAfterMs(value, now)
        if (ms !== undefined) {
          expect(ms).toBeGreaterThanOrEqual(0)
          expect(Number.isSafeInteger(ms)).toBe(true)
        }
      }),
    )
  })

  it('round-trips any whole number of seconds', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000_000 }), (seconds) => {
        expect(parseRetryAfterMs(String(seconds), now)).toBe(seconds * 1000)
      }),
    )
  })
})
