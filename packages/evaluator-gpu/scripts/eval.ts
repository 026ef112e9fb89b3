/**
 * `pnpm --filter @anansi/evaluator eval`: re-scores every shipped model's committed held-out split
 * through the TypeScript runtime and fails when a metric falls below the manifest's number by more
 * than TOLERANCE. Prints one JSON document.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import {
  BUILTIN_MODELS_DIR,
  lexicalManifestSchema,
  loadLexicalModel,
  type LexicalManifest,
} from '../src/index.js'
import { binaryMetrics, type BinaryMetrics } from '../src/metrics/binary-metrics.js'

const TOLERANCE = 0.01
const packageRoot = join(BUILTIN_MODELS_DIR, '..')

const rowSchema = z.object({
  text: z.string(),
  labels: z.record(z.string(), z.union([z.literal(0), z.literal(1), z.null()])).optional(),
  label: z.string().optional(),
  source: z.string().optional(),
})
type Row = z.infer<typeof rowSchema>
const recordedSchema = z.object({
  f1: z.number(),
  auroc: z.number().nullable().optional(),
  auprc: z.number().nullable().optional(),
})

interface Check {
  model: string
  metric: string
  measured: number
  recorded: number
  ok: boolean
}

function readRows(file: string): Row[] {
  return readFileSync(join(packageRoot, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => rowSchema.parse(JSON.parse(line)))
}

/** Binary targets per label: multi-label rows carry 0/1/null, multi-class rows one class name. */
function targetsFor(
  rows: Row[],
  manifest: LexicalManifest,
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

async function evaluateLexical(
  name: string,
  manifest: LexicalManifest,
): Promise<{
  metrics: Record<string, BinaryMetrics>
  checks: Check[]
  extras: Record<string, number>
}> {
  const rows = readRows(manifest.eval_file ?? '')
  const model = await loadLexicalModel(join(BUILTIN_MODELS_DIR, name))
  const probabilities: Float32Array[] = []
  for (let start = 0; start < rows.length; start += 256) {
    const predictions = await model.predict(rows.slice(start, start + 256).map((r) => r.text))
    probabilities.push(...predictions.map((p) => p.probabilities))
  }
  await model.close()
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
    for (const key of ['f1', 'auroc', 'auprc'] as const) {
      const want = recorded.data[key]
      const got = measured[key]
      if (want === null || want === undefined || got === null) continue
      checks.push({
        model: name,
        metric: `${label}.${key}`,
        measured: got,
        recorded: want,
        ok: got >= want - TOLERANCE,
      })
    }
  })
  const extras: Record<string, number> = {}
  if (name === 'harmful_request') {
    const safe = rows
      .map((r, i) => [r, i] as const)
      .filter(([r]) => r.source?.includes('xstest') === true && r.labels?.harmful === 0)
    const flagged = safe.filter(
      ([, i]) => (probabilities[i]?.[0] ?? 0) >= (manifest.thresholds.harmful ?? 0.5),
    ).length
    extras.xstest_safe_false_positive_rate = safe.length === 0 ? 0 : flagged / safe.length
  }
  if (manifest.output.activation === 'softmax') {
    const correct = rows.filter((row, i) => {
      const p = probabilities[i] ?? new Float32Array()
      const best = manifest.output.labels.reduce((a, l, j) =>
        (p[j] ?? 0) > (p[manifest.output.labels.indexOf(a)] ?? 0) ? l : a,
      )
      return best === row.label
    }).length
    extras.argmax_accuracy = correct / rows.length
  }
  return { metrics, checks, extras }
}

const report: Record<string, unknown> = {}
const allChecks: Check[] = []
for (const name of readdirSync(BUILTIN_MODELS_DIR).sort()) {
  const raw: unknown = JSON.parse(
    readFileSync(join(BUILTIN_MODELS_DIR, name, 'manifest.json'), 'utf8'),
  )
  const lexical = lexicalManifestSchema.safeParse(raw)
  if (!lexical.success || lexical.data.eval_file === undefined) continue
  const started = performance.now()
  const result = await evaluateLexical(name, lexical.data)
  allChecks.push(...result.checks)
  report[name] = {
    tier: 'lexical',
    evalFile: lexical.data.eval_file,
    seconds: (performance.now() - started) / 1000,
    metrics: result.metrics,
    extras: result.extras,
  }
}
const failures = allChecks.filter((c) => !c.ok)
console.log(
  JSON.stringify(
    { tolerance: TOLERANCE, models: report, checks: allChecks.length, failures },
    null,
    2,
  ),
)
if (failures.length > 0) process.exitCode = 1
