import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decideAttempt, type RetryPolicy } from './attempt-outcome.js'

const now = new Date('2030-01-01T00:00:00Z')
const policy: RetryPolicy = { maxAttempts: 8, backoff: { baseMs: 1000, random: () => 0.5 } }

describe('decideAttempt', () => {
  it('records success and permanent failure without a next attempt', () => {
    expect(decideAttempt({ ok: true, retryable: false }, 0, policy, now)).toEqual({
      outcome: 'succeeded',
    })
    expect(decideAttempt({ ok: false, retryable: false }, 0, policy, now)).toEqual({
      outcome: 'failed',
    })
  })

  it('schedules a retry after the backoff while attempts remain, then gives up', () => {
    const retry = decideAttempt({ ok: false, retryable: true }, 2, policy, now)
    expect(retry).toEqual({ outcome: 'retry', nextAttemptAt: new Date(now.getTime() + 2000) })
    expect(decideAttempt({ ok: false, retryable: true }, 6, policy, now).outcome).toBe('retry')
    expect(decideAttempt({ ok: false, retryable: true }, 7, policy, now).outcome).toBe('failed')
  })

  it('waits at least Retry-After, capped at the backoff maximum', () => {
    const result = { ok: false, retryable: true, retryAfterMs: 5000 }
    expect(decideAttempt(result, 0, policy, now).nextAttemptAt).toEqual(
      new Date(now.getTime() + 5000),
    )
    const huge = { ...result, retryAfterMs: 10 * 24 * 3_600_000 }
    expect(decideAttempt(huge, 0, policy, now).nextAttemptAt).toEqual(
      new Date(now.getTime() + 3_600_000),
    )
  })

  it('never makes more than maxAttempts attempts, and never schedules into the past', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 30 }),
        fc.option(fc.nat({ max: 10_000_000 }), { nil: undefined }),
        (maxAttempts, attemptsBefore, retryAfterMs) => {
          const result = { ok: false, retryable: true, retryAfterMs }
          const decision = decideAttempt(result, attemptsBefore, { ...policy, maxAttempts }, now)
          expect(decision.outcome).toBe(attemptsBefore + 1 >= maxAttempts ? 'failed' : 'retry')
          if (decision.nextAttemptAt !== undefined) {
            expect(decision.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(
              now.getTime() + Math.min(retryAfterMs ?? 0, 3_600_000),
            )
          }
        },
      ),
    )
  })
})
