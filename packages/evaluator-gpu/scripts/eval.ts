/**
 * `pnpm --filter @anansi/evaluator eval`: re-scores every shipped model's committed held-out split
 * through the TypeScript runtime and fails when a metric falls below the manifest's number by more
 * than TOLERANCE. Prints one JSON document.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { BUILTIN_MODELS_DIR, lexicalManifestSchema, loadLexicalModel } from '../src/index.js'
import { binaryMetrics, type BinaryMetrics } from '../src/metrics/binary-metrics.js'
import { EmbeddingModel } from '../src/semantic/embedding-model.js'
import { pairFeatures } from '../src/semantic/grounding-evaluator.js'
import { loadHeadModel } from '../src/semantic/head-model.js'
import { headManifestSchema } from '../src/semantic/semantic-manifest.js'

/** The parts of a classifier manifest the evaluation needs, whatever its tier. */
interface ScoredModel {
  output: { activation: 'sigmoid' | 'softmax'; labels: string[] }
  thresholds: Record<string, number>
  metrics?: Record<string, unknown> | undefined
}

const TOLERANCE = 0.01
const packageRoot = join(BUILTIN_MODELS_DIR, '..')

const rowSchema = z.object({
  text: z.string().optional(),
  context: z.string().optional(),
  answer: z.string().optional(),
  labels: z.record(z.string(), z.union([z.literal(0), z.literal(1), z.null()])).optional(),
  label: z.string().optional(),
  source: z.string().optional(),
  group: z.string().optional(),
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

/** Scores rows with a lexical model, 256 at a time. */
async function lexicalProbabilities(name: string, rows: Row[]): Promise<Float32Array[]> {
  const model = await loadLexicalModel(join(BUILTIN_MODELS_DIR, name))
  const out: Float32Array[] = []
  for (let start = 0; start < rows.length; start += 256) {
    const predictions = await model.predict(rows.slice(start, start + 256).map((r) => r.text ?? ''))
    out.push(...predictions.map((p) => p.probabilities))
  }
  await model.close()
  return out
}

/** Scores rows with a semantic head: one text's embedding, or a (context, answer) pair's features. */
async function headProbabilities(
  name: string,
  rows: Row[],
  backbone: EmbeddingModel,
): Promise<Float32Array[]> {
  const head = await loadHeadModel(join(BUILTIN_MODELS_DIR, name))
  const out: Float32Array[] = []
  for (let start = 0; start < rows.length; start += 64) {
    const chunk = rows.slice(start, start + 64)
    const features =
      head.inputWidth === 4 * 384
        ? await Promise.all(
            chunk.map(async (r) => {
              const [c, a] = await backbone.embed([r.context ?? '', r.answer ?? ''])
              return pairFeatures(
                c?.vector ?? new Float32Array(384),
                a?.vector ?? new Float32Array(384),
              )
            }),
          )
        : (await backbone.embed(chunk.map((r) => r.text ?? ''))).map((e) => e.vector)
    out.push(...(await head.classify(features)))
  }
  await head.close()
  return out
}

/** Compares measured metrics with the manifest's, label by label. */
function score(
  name: string,
  manifest: ScoredModel,
  rows: Row[],
  probabilities: Float32Array[],
): { metrics: Record<string, BinaryMetrics>; checks: Check[]; extras: Record<string, number> } {
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
  const harmfulColumn = manifest.output.labels.indexOf('harmful')
  if (harmfulColumn >= 0) {
    const safe = rows
      .map((r, i) => [r, i] as const)
      .filter(([r]) => r.source?.includes('xstest') === true && r.labels?.harmful === 0)
    const flagged = safe.filter(
      ([, i]) => (probabilities[i]?.[harmfulColumn] ?? 0) >= (manifest.thresholds.harmful ?? 0.5),
    ).length
    extras.xstest_safe_false_positive_rate = safe.length === 0 ? 0 : flagged / safe.length
  }
  const biasColumn = manifest.output.labels.indexOf('bias')
  if (biasColumn >= 0) {
    // A bias detector that is itself biased is a defect: false-positive rate on neutral text, per group.
    const byGroup = new Map<string, { n: number; fp: number }>()
    rows.forEach((row, i) => {
      if (row.group === undefined || row.labels?.bias !== 0) return
      const entry = byGroup.get(row.group) ?? { n: 0, fp: 0 }
      entry.n += 1
      if ((probabilities[i]?.[biasColumn] ?? 0) >= (manifest.thresholds.bias ?? 0.5)) entry.fp += 1
      byGroup.set(row.group, entry)
    })
    for (const [group, { n, fp }] of byGroup)
      if (n >= 20) extras[`false_positive_rate:${group}`] = fp / n
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
const skipSemantic = process.argv.includes('--lexical-only')
let backbone: EmbeddingModel | undefined
for (const name of readdirSync(BUILTIN_MODELS_DIR).sort()) {
  const raw: unknown = JSON.parse(
    readFileSync(join(BUILTIN_MODELS_DIR, name, 'manifest.json'), 'utf8'),
  )
  const lexical = lexicalManifestSchema.safeParse(raw)
  const head = headManifestSchema.safeParse(raw)
  const manifest = lexical.success
    ? lexical.data
    : head.success && !skipSemantic
      ? head.data
      : undefined
  if (manifest?.eval_file === undefined) continue
  const started = performance.now()
  const rows = readRows(manifest.eval_file)
  backbone ??= head.success
    ? await EmbeddingModel.load(join(BUILTIN_MODELS_DIR, 'minilm-l6-v2'), { cacheSize: 0 })
    : undefined
  const probabilities = lexical.success
    ? await lexicalProbabilities(name, rows)
    : await headProbabilities(
        name,
        rows,
        backbone ?? (await EmbeddingModel.load(join(BUILTIN_MODELS_DIR, 'minilm-l6-v2'))),
      )
  const result = score(name, manifest, rows, probabilities)
  allChecks.push(...result.checks)
  report[name] = {
    tier: lexical.success ? 'lexical' : 'semantic',
    evalFile: manifest.eval_file,
    rows: rows.length,
    seconds: (performance.now() - started) / 1000,
    metrics: result.metrics,
    extras: result.extras,
  }
}
await backbone?.close()
const failures = allChecks.filter((c) => !c.ok)
console.log(
  JSON.stringify(
    { tolerance: TOLERANCE, models: report, checks: allChecks.length, failures },
    null,
    2,
  ),
)
if (failures.length > 0) process.exitCode = 1
