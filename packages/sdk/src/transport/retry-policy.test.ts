import { describe, expect, it } from 'vitest'
import { backoffDelay, isRetriableStatus, parseRetryAfter } from './retry-policy.js'

describe('retry policy', () => {
  it('retries only 429, 502, 503 and 504', () => {
    const retried = [
      400, 401, 403, 404, 408, 409, 413, 415, 429, 500, 501, 502, 503, 504, 505,
    ].filter(isRetriableStatus)
    expect(retried).toEqual([429, 502, 503, 504])
  })

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000)
    expect(parseRetryAfter(' 0 ')).toBe(0)
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000)
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0)
    expect(parseRetryAfter('soon')).toBeUndefined()
    expect(parseRetryAfter(null)).toBeUndefined()
  })

  it('backs off exponentially with equal jitter, capped, and never below Retry-After', () => {
    const options = { initialDelayMs: 100, maxDelayMs: 1_000 }
    expect(backoffDelay(1, options, undefined, () => 0)).toBe(50)
    expect(backoffDelay(1, options, undefined, () => 1)).toBe(100)
    expect(backoffDelay(3, options, undefined, () => 1)).toBe(400)
    expect(backoffDelay(10, options, undefined, () => 1)).toBe(1_000)
    expect(backoffDelay(10, options, undefined, () => 0)).toBe(500)
    expect(backoffDelay(1, options, 5_000, () => 1)).toBe(5_000)
  })
})
