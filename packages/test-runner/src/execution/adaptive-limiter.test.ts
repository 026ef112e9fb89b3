import { describe, expect, it } from 'vitest'
import { AdaptiveLimiter } from './adaptive-limiter.js'
import { backoffDelay, withRetries } from './retry.js'
import { ProviderError } from '../providers/provider.js'

describe('adaptive limiter', () => {
  it('never lets more than the limit through', async () => {
    const limiter = new AdaptiveLimiter({ maxConcurrency: 3 })
    let active = 0
    let peak = 0
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const release = await limiter.acquire()
        active += 1
        peak = Math.max(peak, active)
        await new Promise((r) => setTimeout(r, 2))
        active -= 1
        release()
      }),
    )
    expect(peak).toBe(3)
  })

  it('halves on 429, pauses for retry-after, then recovers one slot per window', async () => {
    let now = 1000
    const limiter = new AdaptiveLimiter({ maxConcurrency: 8, now: () => now })
    limiter.onRateLimited(50)
    expect(limiter.limit).toBe(4)
    limiter.onRateLimited(50)
    limiter.onRateLimited(50)
    limiter.onRateLimited(50)
    expect(limiter.limit).toBe(1) // floored at minConcurrency
    let acquired = false
    const pending = limiter.acquire().then((release) => {
      acquired = true
      release()
    })
    await new Promise((r) => setTimeout(r, 10))
    expect(acquired).toBe(false) // paused
    now += 60
    await new Promise((r) => setTimeout(r, 80))
    await pending
    expect(acquired).toBe(true)
    for (let i = 0; i < 1; i++) limiter.onSuccess()
    expect(limiter.limit).toBe(2)
    for (let i = 0; i < 2; i++) limiter.onSuccess()
    expect(limiter.limit).toBe(3)
    for (let i = 0; i < 100; i++) limiter.onSuccess()
    expect(limiter.limit).toBe(8) // capped at the maximum
    expect(limiter.snapshot()).toMatchObject({ rateLimited: 4, lowestLimit: 1 })
  })

  it('rejects a queued acquire when its signal aborts', async () => {
    const limiter = new AdaptiveLimiter({ maxConcurrency: 1 })
    const release = await limiter.acquire()
    const controller = new AbortController()
    const waiting = limiter.acquire(controller.signal)
    controller.abort()
    await expect(waiting).rejects.toMatchObject({ code: 'cancelled' })
    release()
    expect(limiter.snapshot().queued).toBe(0)
  })
})

describe('retries', () => {
  it('use retry-after when given, else capped exponential backoff with jitter', () => {
    const server = new ProviderError('server', 'x', 503)
    expect(backoffDelay(1, server, { random: () => 1, baseDelayMs: 100 })).toBe(100)
    expect(backoffDelay(3, server, { random: () => 0, baseDelayMs: 100 })).toBe(200)
    expect(backoffDelay(20, server, { random: () => 1, maxDelayMs: 5000 })).toBe(5000)
    const limited = new ProviderError('rate_limited', 'x', 429, 1234)
    expect(backoffDelay(1, limited)).toBe(1234)
  })

  it('stop after maxRetries and never retry client errors', async () => {
    let calls = 0
    const failing = withRetries(
      () => {
        calls += 1
        return Promise.reject(new ProviderError('server', 'boom', 500))
      },
      { maxRetries: 2, baseDelayMs: 1 },
    )
    await expect(failing).rejects.toMatchObject({ kind: 'server' })
    expect(calls).toBe(3)
    calls = 0
    const client = withRetries(
      () => {
        calls += 1
        return Promise.reject(new ProviderError('client', 'bad', 400))
      },
      { maxRetries: 5, baseDelayMs: 1 },
    )
    await expect(client).rejects.toMatchObject({ kind: 'client' })
    expect(calls).toBe(1)
  })
})
