// Test-only; nothing in the package entry imports this.
import type { EvaluationResult } from '@anansi/protocol'

/**
 * Test helper: where two runs of the same calls disagree: a missing result, another label or flag,
 * or a probability off by more than `tolerance` (a text batched with longer ones runs through
 * differently shaped kernels, which may move the last float32 bits, so exact equality is too strict).
 */
export function resultMismatches(
  actual: readonly EvaluationResult[][],
  expected: readonly EvaluationResult[][],
  tolerance: number,
): string[] {
  const out: string[] = []
  if (actual.length !== expected.length)
    out.push(`${actual.length} calls instead of ${expected.length}`)
  expected.forEach((call, i) => {
    if (actual[i]?.length !== call.length)
      out.push(`call ${i}: ${actual[i]?.length} results instead of ${call.length}`)
    call.forEach((want, j) => {
      const got = actual[i]?.[j]
      const where = `call ${i} text ${j}`
      if (got === undefined) {
        out.push(`${where}: missing`)
        return
      }
      if (got.label !== want.label || got.flagged !== want.flagged)
        out.push(`${where}: ${got.label}/${got.flagged} instead of ${want.label}/${want.flagged}`)
      for (const [label, p] of Object.entries(want.labels ?? {}))
        if (Math.abs((got.labels?.[label] ?? NaN) - p) > tolerance)
          out.push(`${where}: ${label} ${got.labels?.[label]} instead of ${p}`)
    })
  })
  return out
}
