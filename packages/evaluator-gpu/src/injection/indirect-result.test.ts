import { evaluationResultSchema, type EvaluationResult } from '@anansi/protocol'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { INDIRECT_LABEL, onDirectScale, withIndirectScan } from './indirect-result.js'
import type { DocumentScan, InjectionScan } from './injection-detector.js'

const detector = { modelId: 'indirect_injection-lexical', modelVersion: '1.0.0', threshold: 0.87 }

const direct = (score: number, threshold = 0.15): EvaluationResult => ({
  evaluator: 'jailbreak',
  modelId: 'jailbreak-lexical',
  modelVersion: '1.0.0',
  tier: 'lexical',
  target: 'input',
  score,
  label: score >= threshold ? 'jailbreak' : 'none',
  labels: { jailbreak: score },
  threshold,
  flagged: score >= threshold,
  latencyMs: 0.2,
})

const doc = (score: number, extra: Partial<DocumentScan> = {}): DocumentScan => ({
  origin: 'context',
  index: 0,
  score,
  flagged: score >= detector.threshold,
  windows: 5,
  flaggedWindows: score >= detector.threshold ? [{ start: 10, end: 40, score }] : [],
  truncated: false,
  ...extra,
})

const scan = (...documents: DocumentScan[]): InjectionScan => ({ documents, skipped: 0 })
const unit = fc.double({ min: 0, max: 1, noNaN: true })

describe('onDirectScale', () => {
  it('maps the detector threshold onto the direct one, 0 to 0 and 1 to 1', () => {
    expect(onDirectScale(0.87, 0.87, 0.15)).toBe(0.15)
    expect(onDirectScale(0, 0.87, 0.15)).toBe(0)
    expect(onDirectScale(1, 0.87, 0.15)).toBeCloseTo(1, 12)
  })

  it('is monotone and keeps each side of the threshold on its side', () => {
    fc.assert(
      fc.property(
        unit,
        unit,
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        (a, b, ti, td) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a]
          expect(onDirectScale(lo, ti, td)).toBeLessThanOrEqual(onDirectScale(hi, ti, td))
          const mapped = onDirectScale(a, ti, td)
          expect(mapped).toBeGreaterThanOrEqual(0)
          expect(mapped).toBeLessThanOrEqual(1)
          if (a >= ti) expect(mapped).toBeGreaterThanOrEqual(td)
          else expect(mapped).toBeLessThanOrEqual(td)
        },
      ),
    )
  })
})

describe('withIndirectScan', () => {
  it('leaves a call without documents untouched', () => {
    const result = direct(0.02)
    expect(withIndirectScan(result, scan(), detector, 3)).toBe(result)
  })

  it('flags a benign prompt whose document holds a planted instruction, with a span naming the document', () => {
    const out = withIndirectScan(
      direct(0.02),
      scan(doc(0.1), doc(0.97, { origin: 'tool', index: 2 })),
      detector,
      3,
    )
    expect(evaluationResultSchema.parse(out)).toEqual(out)
    expect(out).toMatchObject({
      flagged: true,
      label: INDIRECT_LABEL,
      threshold: 0.15,
      latencyMs: 3,
    })
    expect(out.labels).toEqual({ jailbreak: 0.02, [INDIRECT_LABEL]: 0.97 })
    expect(out.score).toBeCloseTo(onDirectScale(0.97, 0.87, 0.15), 12)
    expect(out.score).toBeGreaterThanOrEqual(out.threshold)
    expect(out.spans).toEqual([{ start: 10, end: 40, label: 'tool:2', score: 0.97 }])
    expect(out.details).toMatchObject({
      indirectInjection: {
        model: 'indirect_injection-lexical@1.0.0',
        flagged: true,
        documents: [
          { origin: 'context', index: 0, flagged: false },
          { origin: 'tool', index: 2, flagged: true },
        ],
      },
    })
  })

  it('keeps a clean call unflagged, under the threshold, with the document score recorded', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 0.14, noNaN: true }),
        fc.double({ min: 0, max: 0.8699, noNaN: true }),
        (p, d) => {
          const out = withIndirectScan(direct(p), scan(doc(d)), detector, 1)
          expect(out.flagged).toBe(false)
          expect(out.score).toBeLessThan(out.threshold)
          expect(out.label).toBe('none')
          expect(out.labels?.[INDIRECT_LABEL]).toBe(d)
          expect(out.spans).toBeUndefined()
        },
      ),
    )
  })

  it('keeps a flagged prompt flagged and its label when the prompt scores higher', () => {
    const out = withIndirectScan(direct(0.99), scan(doc(0.88)), detector, 1)
    expect(out).toMatchObject({ flagged: true, label: 'jailbreak', score: 0.99 })
    expect(withIndirectScan(direct(0.5), scan(doc(0.5)), detector, 1)).toMatchObject({
      flagged: true,
      label: 'jailbreak',
      score: 0.5,
    })
  })

  it('marks the result truncated when a document was cut or documents were skipped', () => {
    expect(
      withIndirectScan(direct(0), scan(doc(0.2, { truncated: true })), detector, 1).truncated,
    ).toBe(true)
    expect(
      withIndirectScan(direct(0), { documents: [doc(0.2)], skipped: 4 }, detector, 1),
    ).toMatchObject({
      truncated: true,
      details: { indirectInjection: { skippedDocuments: 4 } },
    })
    expect(withIndirectScan(direct(0), scan(doc(0.2)), detector, 1).truncated).toBeUndefined()
  })
})
