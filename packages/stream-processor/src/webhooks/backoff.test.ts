import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { backoffCeilingMs, MAX_ATTEMPTS, nextRetryDelayMs } from './backoff.js'

describe('nextRetryDelayMs', () => {
  it('stays within [0, min(max, base * 2^attempt)]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 1, max: 60_000 }),
        fc.integer({ min: 1, max: 7_200_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, baseMs, maxMs, sample) => {
          const delay = nextRetryDelayMs(attempt, { baseMs, maxMs, random: () => sample })
          expect(delay).toBeGreaterThanOrEqual(0)
          expect(delay).toBeLessThanOrEqual(Math.min(maxMs, baseMs * 2 ** attempt))
          expect(Number.isInteger(delay)).toBe(true)
        },
      ),
    )
  })

  it('spreads delays across the whole window (full jitter) and grows the window exponentially', () => {
    expect(nextRetryDelayMs(3, { baseMs: 1000, random: () => 0 })).toBe(0)
    expect(nextRetryDelayMs(3, { baseMs: 1000, random: () => 0.5 })).toBe(4000)
    expect(nextRetryDelayMs(3, { baseMs: 1000, random: () => 0.999999 })).toBe(7999)
    expect(backoffCeilingMs(0)).toBe(1000)
    expect(backoffCeilingMs(1)).toBe(2000)
    expect(backoffCeilingMs(100)).toBe(3_600_000)
    expect(backoffCeilingMs(Infinity, { maxMs: 5 })).toBe(5)
  })

  it('keeps to the window when the attempt or the random source is nonsense', () => {
    fc.assert(
      fc.property(fc.double(), fc.double(), (attempt, sample) => {
        const delay = nextRetryDelayMs(attempt, { random: () => sample })
        expect(delay).toBeGreaterThanOrEqual(0)
        expect(delay).toBeLessThanOrEqual(3_600_000)
      }),
    )
  })

  it('defaults to a bounded number of attempts', () => {
    expect(MAX_ATTEMPTS).toBe(8)
  })
})
