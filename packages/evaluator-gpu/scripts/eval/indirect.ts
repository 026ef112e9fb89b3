import { join } from 'node:path'
import { z } from 'zod'
import { BUILTIN_MODELS_DIR, IndirectInjectionDetector, MAX_DOCUMENTS } from '../../src/index.js'
import { binaryMetrics, type BinaryMetrics } from '../../src/metrics/binary-metrics.js'
import { atLeast, atMost, type Check } from './checks.js'
import { recordedAt } from './fairness.js'
import { scoreHeldout, type ScoredModel } from './heldout.js'
import { readJsonl, rowSchema, type Row } from './rows.js'

const KINDS = ['email', 'table', 'code'] as const
const LABEL = 'indirect_injection'

/** A held-out document: the row fields plus BIPIA's kind. */
const documentRowSchema = rowSchema.extend({ kind: z.string() })

/**
 * The window-level indirect-injection model, scored the way the runtime uses it: every held-out
 * document goes through `IndirectInjectionDetector.scan` (windows, micro-batched model, max). Gated
 * against the manifest: document-level precision, recall, F1, AUROC, AUPRC on held-out BIPIA
 * documents; AUROC and recall per kind (email, table, code) and their false-positive rates; and
 * the false-positive rates on clean BIPIA contexts and on HaluEval answers.
 */
export async function scoreIndirect(
  name: string,
  manifest: ScoredModel & { eval_file: string },
): Promise<{ report: Record<string, unknown>; checks: Check[] }> {
  const rows = readJsonl(manifest.eval_file, documentRowSchema)
  const detector = await IndirectInjectionDetector.load(join(BUILTIN_MODELS_DIR, name))
  const scores: number[] = []
  try {
    for (let start = 0; start < rows.length; start += MAX_DOCUMENTS) {
      const chunk = rows.slice(start, start + MAX_DOCUMENTS)
      const scan = await detector.scan(
        chunk.map((r, index) => ({ origin: 'context' as const, index, text: r.text ?? '' })),
      )
      scores.push(...scan.documents.map((d) => d.score))
    }
  } finally {
    await detector.close()
  }
  const threshold = manifest.thresholds[LABEL] ?? 0.5
  const pick = (test: (r: Row & { kind: string }) => boolean): number[] =>
    rows.flatMap((r, i) => (test(r) ? [i] : []))
  const measure = (index: readonly number[]): BinaryMetrics =>
    binaryMetrics(
      index.map((i) => scores[i] ?? 0),
      index.map((i) => rows[i]?.labels?.[LABEL] ?? 0),
      threshold,
    )
  const bipia = pick((r) => r.source?.startsWith('jailbreak/bipia/') === true)
  const heldout = scoreHeldout(
    name,
    manifest,
    bipia.map((i) => rows[i] ?? {}),
    bipia.map((i) => Float32Array.of(scores[i] ?? 0)),
  )
  const checks = [...heldout.checks]
  const byKind: Record<string, BinaryMetrics> = {}
  for (const kind of KINDS) {
    const measured = measure(pick((r) => r.source === `jailbreak/bipia/${kind}`))
    byKind[kind] = measured
    const recorded = (key: string): number | null =>
      recordedAt(manifest.metrics, ['documents_by_kind', kind, key])
    if (measured.auroc !== null)
      checks.push(atLeast(name, `${kind}.auroc`, measured.auroc, recorded('auroc')))
    checks.push(atLeast(name, `${kind}.recall`, measured.recall, recorded('recall')))
    checks.push(
      atMost(
        name,
        `${kind}.false_positive_rate`,
        measured.falsePositiveRate,
        recorded('false_positive_rate'),
      ),
    )
  }
  const clean = {
    bipia: measure(
      pick((r) => r.source?.startsWith('jailbreak/bipia/') === true && r.labels?.[LABEL] === 0),
    ),
    halueval: measure(pick((r) => r.source === 'hallucination/halueval')),
  }
  for (const [key, measured] of Object.entries(clean))
    checks.push(
      atMost(
        name,
        `clean_documents.${key}_false_positive_rate`,
        measured.falsePositiveRate,
        recordedAt(manifest.metrics, ['clean_documents', `${key}_false_positive_rate`]),
      ),
    )
  return {
    report: {
      evalFile: manifest.eval_file,
      documents: rows.length,
      unit: 'document (max over windows)',
      metrics: heldout.metrics,
      byKind,
      cleanFalsePositiveRate: {
        bipia: clean.bipia.falsePositiveRate,
        halueval: clean.halueval.falsePositiveRate,
      },
    },
    checks,
  }
}
