import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RateWindow } from './rate-window.js'

describe('RateWindow', () => {
  it('counts events and hits inside the window', () => {
    const window = new RateWindow(60_000)
    expect(window.add(0, true)).toEqual({ total: 1, hits: 1 })
    expect(window.add(10_000, false)).toEqual({ total: 2, hits: 1 })
    expect(window.add(30_000, true)).toEqual({ total: 3, hits: 2 })
  })

  it('forgets what slid out of the window', () => {
    const window = new RateWindow(60_000) // buckets of 1 s
    window.add(0, true)
    window.add(5_000, true)
    // 61 s later the first bucket is older than the window; the one at 5 s is not yet.
    expect(window.add(61_000, false)).toEqual({ total: 2, hits: 1 })
    expect(window.add(70_000, false)).toEqual({ total: 2, hits: 0 })
    expect(window.add(500_000, false)).toEqual({ total: 1, hits: 0 })
  })

  it('counts an event older than the newest bucket in the newest bucket', () => {
    const window = new RateWindow(60_000)
    window.add(30_000, false)
    expect(window.add(10_000, true)).toEqual({ total: 2, hits: 1 })
  })

  it('never counts more than the events of the last window plus one bucket', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5_000 }), fc.boolean()), { maxLength: 300 }),
        fc.integer({ min: 1, max: 120 }),
        (steps, windowSeconds) => {
          const windowMs = windowSeconds * 1000
          const window = new RateWindow(windowMs)
          const width = Math.max(1, Math.ceil(windowMs / 60))
          let at = 0
          const history: { at: number; hit: boolean }[] = []
          for (const [gap, hit] of steps) {
            at += gap
            history.push({ at, hit })
            const { total, hits } = window.add(at, hit)
            const inWindow = history.filter((h) => h.at > at - windowMs - width)
            const strictly = history.filter((h) => h.at > at - windowMs + width)
            expect(total).toBeLessThanOrEqual(inWindow.length)
            expect(total).toBeGreaterThanOrEqual(strictly.length)
            expect(hits).toBeLessThanOrEqual(total)
            expect(hits).toBeLessThanOrEqual(inWindow.filter((h) => h.hit).length)
          }
        },
      ),
    )
  })
})
