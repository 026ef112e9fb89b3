import { describe, expect, it } from 'vitest'
import { lagTrend, type LagSample } from '../bench/lag-trend.js'

const series = (f: (second: number) => number, seconds = 60): LagSample[] =>
  Array.from({ length: seconds }, (_, second) => ({ second, lag: f(second) }))

describe('lag trend of a paced bench run', () => {
  it('calls a steady lag with noise flat', () => {
    const trend = lagTrend(
      series((s) => 200 + (s % 2 === 0 ? 150 : -150)),
      1_000,
    )
    expect(Math.abs(trend.slopePerSecond)).toBeLessThan(5)
    expect(trend.flat).toBe(true)
  })

  it('catches a slow steady climb that half-means would call flat', () => {
    // 20 events/s of growth from a backlog of 400: 2% of a 1,000/s input falls behind every second.
    const climbing = series((s) => 400 + 20 * s)
    const trend = lagTrend(climbing, 1_000)
    expect(trend.slopePerSecond).toBeCloseTo(20, 6)
    expect(trend.growthOverRun).toBeCloseTo(20 * 59, 6)
    expect(trend.flat).toBe(false)
    // The old check (second-half mean ≤ max(2 × first-half mean, rate)) passed this run.
    const half = climbing.length / 2
    const mean = (xs: LagSample[]) => xs.reduce((sum, x) => sum + x.lag, 0) / xs.length
    expect(mean(climbing.slice(half))).toBeLessThanOrEqual(
      Math.max(2 * mean(climbing.slice(0, half)), 1_000),
    )
  })

  it('does not call one late spike a trend', () => {
    const spiky = series((s) => (s === 59 ? 900 : 150))
    expect(lagTrend(spiky, 1_000).flat).toBe(true)
  })

  it('answers flat for fewer than two samples', () => {
    expect(lagTrend([], 1_000).flat).toBe(true)
    expect(lagTrend([{ second: 0, lag: 5_000 }], 1_000).flat).toBe(true)
  })
})
