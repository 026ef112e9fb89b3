import { describe, expect, it } from 'vitest'
import { runShiftExperiment } from './synthetic-streams.js'

// Detection quality on seeded synthetic streams: the numbers in the package README come from the
// same experiment (pnpm --filter @anansi/stream-processor bench:detectors). At |z| >= 3 a Gaussian
// stream has 27 two-sided exceedances per 10,000 points in theory; estimating the baseline adds
// a little.
describe.each(['zscore', 'robust_zscore'] as const)('%s detector on synthetic shifts', (method) => {
  const runs = (shiftSigmas: number) =>
    Array.from({ length: 8 }, (_, i) =>
      runShiftExperiment({
        seed: 100 + i,
        mean: 200,
        sd: 20,
        normal: 5_000,
        shiftSigmas,
        after: 300,
        method,
      }),
    )

  it('keeps false alarms near the Gaussian rate for |z| >= 3', () => {
    const outcomes = runs(4)
    const mean = outcomes.reduce((sum, o) => sum + o.falseAlarmsPer10k, 0) / outcomes.length
    expect(mean).toBeGreaterThan(10)
    expect(mean).toBeLessThan(60)
  })

  it('flags a 4σ level shift within two points', () => {
    for (const outcome of runs(4)) {
      expect(outcome.detectionDelay).not.toBeNull()
      expect(outcome.detectionDelay ?? Infinity).toBeLessThanOrEqual(2)
    }
  })

  it('takes longer to flag a 1σ shift than a 3σ one', () => {
    const delay = (shift: number) =>
      runs(shift).reduce((sum, o) => sum + (o.detectionDelay ?? 300), 0)
    expect(delay(1)).toBeGreaterThan(delay(3))
  })
})
