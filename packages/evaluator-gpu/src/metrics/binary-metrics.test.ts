import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { auroc, averagePrecision, binaryMetrics } from './binary-metrics.js'

describe('binary metrics', () => {
  it('matches scikit-learn on a worked example', () => {
    // sklearn: roc_auc_score([0,0,1,1],[0.1,0.4,0.35,0.8]) = 0.75; average_precision_score = 0.8333…
    expect(auroc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 10)
    expect(averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.8333333333, 8)
    const m = binaryMetrics([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], 0.3)
    expect(m).toMatchObject({ precision: 2 / 3, recall: 1, support: 2, n: 4 })
    expect(m.f1).toBeCloseTo(0.8, 10)
  })

  it('treats tied scores as half-wins and handles single-class data', () => {
    expect(auroc([0.5, 0.5], [0, 1])).toBe(0.5)
    expect(auroc([0.2, 0.9], [1, 1])).toBeNull()
    expect(averagePrecision([0.2, 0.9], [0, 0])).toBeNull()
  })

  it('gives 1 for perfect separation and 1 − AUROC when scores are negated', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1)), {
          minLength: 2,
          maxLength: 60,
        }),
        (rows) => {
          const scores = rows.map((r) => r[0])
          const labels = rows.map((r) => r[1])
          const a = auroc(scores, labels)
          const b = auroc(
            scores.map((s) => -s),
            labels,
          )
          if (a === null || b === null) return
          expect(a + b).toBeCloseTo(1, 9)
          expect(
            auroc(
              labels.map((l) => l),
              labels,
            ),
          ).toBe(1)
        },
      ),
    )
  })
})
