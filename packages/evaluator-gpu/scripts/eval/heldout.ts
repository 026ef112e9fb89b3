import { z } from 'zod'
import { binaryMetrics, type BinaryMetrics } from '../../src/metrics/binary-metrics.js'
import { atLeast, type Check } from './checks.js'
import type { Row } from './rows.js'

/** The parts of a classifier manifest the evaluation needs, whatever its tier. */
export interface ScoredModel {
  output: { activation: 'sigmoid' | 'softmax'; labels: string[] }
  thresholds: Record<string, number>
  metrics?: Record<string, unknown> | undefined
}

const recordedSchema = z.object({
  precision: z.number().nullable().optional(),
  recall: z.number().nullable().optional(),
  f1: z.number(),
  auroc: z.number().nullable().optional(),
  auprc: z.number().nullable().optional(),
})
const GATED = ['precision', 'recall', 'f1', 'auroc', 'auprc'] as const

/** Binary targets per label: multi-label rows carry 0/1/null, multi-class rows one class name. */
function targetsFor(
  rows: readonly Row[],
  manifest: ScoredModel,
  label: string,
): { index: number[]; y: number[] } {
  const index: number[] = []
  const y: number[] = []
  rows.forEach((row, i) => {
    const value =
      manifest.output.activation === 'softmax'
        ? row.label === undefined
          ? null
          : Number(row.label === label)
        : (row.labels?.[label] ?? null)
    if (value === null) return // the source does not annotate this label
    index.push(i)
    y.push(value)
  })
  return { index, y }
}

/** Per-label precision, recall, F1, AUROC and AUPRC at the manifest's thresholds, gated against `metrics.heldout`. */
export function scoreHeldout(
  model: string,
  manifest: ScoredModel,
  rows: readonly Row[],
  probabilities: readonly Float32Array[],
): { metrics: Record<string, BinaryMetrics>; checks: Check[] } {
  const heldout = z.record(z.string(), z.unknown()).parse(manifest.metrics?.heldout ?? {})
  const metrics: Record<string, BinaryMetrics> = {}
  const checks: Check[] = []
  manifest.output.labels.forEach((label, column) => {
    const { index, y } = targetsFor(rows, manifest, label)
    const scores = index.map((i) => probabilities[i]?.[column] ?? 0)
    const measured = binaryMetrics(scores, y, manifest.thresholds[label] ?? 0.5)
    metrics[label] = measured
    const recorded = recordedSchema.safeParse(heldout[label])
    if (!recorded.success) return
    for (const key of GATED) {
      const want = recorded.data[key]
      const got = measured[key]
      if (want === null || want === undefined || got === null) continue
      checks.push(atLeast(model, `${label}.${key}`, got, want))
    }
  })
  return { metrics, checks }
}

/** Share of multi-class rows whose highest-probability label is the gold one (reported, not gated). */
export function argmaxAccuracy(
  manifest: ScoredModel,
  rows: readonly Row[],
  probabilities: readonly Float32Array[],
): number {
  const correct = rows.filter((row, i) => {
    const p = probabilities[i] ?? new Float32Array()
    let best = 0
    for (let j = 1; j < manifest.output.labels.length; j += 1)
      if ((p[j] ?? 0) > (p[best] ?? 0)) best = j
    return manifest.output.labels[best] === row.label
  }).length
  return correct / rows.length
}
