/**
 * `pnpm --filter @anansi/evaluator eval`: re-scores every shipped model's committed held-out split
 * through the TypeScript runtime and fails when a metric is worse than the manifest's number by
 * more than TOLERANCE: per label precision, recall, F1, AUROC and AUPRC; harmful_request's
 * false-positive rate on XSTest's safe prompts; bias's false-positive rate per group (groups with
 * enough statements); CrowS-Pairs and BIPIA, evaluation-only sets; the indirect-injection model
 * per document (scripts/eval/indirect.ts). Prints one JSON document.
 * `--lexical-only` skips the semantic tier (minutes on 2 cores); `--only a,b` evaluates only the
 * named model directories (e.g. `--only jailbreak,indirect_injection`).
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { BUILTIN_MODELS_DIR, lexicalManifestSchema, loadLexicalModel } from '../src/index.js'
import { EmbeddingModel } from '../src/semantic/embedding-model.js'
import { pairFeatures } from '../src/semantic/grounding-evaluator.js'
import { loadHeadModel } from '../src/semantic/head-model.js'
import { headManifestSchema } from '../src/semantic/semantic-manifest.js'
import { TOLERANCE, type Check } from './eval/checks.js'
import { scoreBiasGroups, scoreXstest } from './eval/fairness.js'
import { argmaxAccuracy, scoreHeldout, type ScoredModel } from './eval/heldout.js'
import { scoreIndirect } from './eval/indirect.js'
import { readJsonl, rowSchema, type Row } from './eval/rows.js'
import { scoreBipia, scoreCrowsPairs, type ScoreTexts } from './eval/stress.js'

/** One open model: rows in, probabilities per label out. */
interface Scorer {
  probabilities(rows: readonly Row[]): Promise<Float32Array[]>
  close(): Promise<void>
}

/** A lexical model, predicting 256 rows at a time. */
async function lexicalScorer(name: string): Promise<Scorer> {
  const model = await loadLexicalModel(join(BUILTIN_MODELS_DIR, name))
  return {
    async probabilities(rows) {
      const out: Float32Array[] = []
      for (let start = 0; start < rows.length; start += 256) {
        const chunk = rows.slice(start, start + 256).map((r) => r.text ?? '')
        out.push(...(await model.predict(chunk)).map((p) => p.probabilities))
      }
      return out
    },
    close: () => model.close(),
  }
}

/** A semantic head over one text's embedding, or over a (context, answer) pair's features. */
async function headScorer(name: string, backbone: EmbeddingModel): Promise<Scorer> {
  const head = await loadHeadModel(join(BUILTIN_MODELS_DIR, name))
  const dim = 384
  return {
    async probabilities(rows) {
      const out: Float32Array[] = []
      for (let start = 0; start < rows.length; start += 64) {
        const chunk = rows.slice(start, start + 64)
        const features =
          head.inputWidth === 4 * dim
            ? await Promise.all(
                chunk.map(async (r) => {
                  const [c, a] = await backbone.embed([r.context ?? '', r.answer ?? ''])
                  return pairFeatures(
                    c?.vector ?? new Float32Array(dim),
                    a?.vector ?? new Float32Array(dim),
                  )
                }),
              )
            : (await backbone.embed(chunk.map((r) => r.text ?? ''))).map((e) => e.vector)
        out.push(...(await head.classify(features)))
      }
      return out
    },
    close: () => head.close(),
  }
}

/** Everything measured for one model, and the gates it must pass. */
async function evaluateModel(
  name: string,
  manifest: ScoredModel & { primary_label: string; eval_file: string },
  scorer: Scorer,
): Promise<{ report: Record<string, unknown>; checks: Check[] }> {
  const rows = readJsonl(manifest.eval_file, rowSchema)
  const probabilities = await scorer.probabilities(rows)
  const heldout = scoreHeldout(name, manifest, rows, probabilities)
  const xstest = scoreXstest(name, manifest, rows, probabilities)
  const groups = scoreBiasGroups(name, manifest, rows, probabilities)
  const checks = [...heldout.checks, ...xstest.checks, ...groups.checks]
  const report: Record<string, unknown> = {
    evalFile: manifest.eval_file,
    rows: rows.length,
    metrics: heldout.metrics,
    extras: xstest.extras,
  }
  if (Object.keys(groups.extras).length > 0) report.groupFalsePositiveRates = groups.extras
  if (manifest.output.activation === 'softmax')
    report.argmaxAccuracy = argmaxAccuracy(manifest, rows, probabilities)
  const column = manifest.output.labels.indexOf(manifest.primary_label)
  const threshold = manifest.thresholds[manifest.primary_label] ?? 0.5
  const score: ScoreTexts = async (texts) =>
    (await scorer.probabilities(texts.map((text) => ({ text })))).map((p) => p[column] ?? 0)
  if (manifest.metrics?.crows_pairs !== undefined) {
    const crows = await scoreCrowsPairs(name, score, threshold, manifest.metrics)
    report.crowsPairs = crows.report
    checks.push(...crows.checks)
  }
  if (manifest.metrics?.bipia_stress !== undefined) {
    const bipia = await scoreBipia(name, score, threshold, manifest.metrics)
    report.bipia = bipia.report
    checks.push(...bipia.checks)
  }
  return { report, checks }
}

const report: Record<string, unknown> = {}
const allChecks: Check[] = []
const skipSemantic = process.argv.includes('--lexical-only')
const onlyAt = process.argv.indexOf('--only')
const only = onlyAt < 0 ? undefined : new Set((process.argv[onlyAt + 1] ?? '').split(','))
let backbone: EmbeddingModel | undefined
for (const name of readdirSync(BUILTIN_MODELS_DIR).sort()) {
  if (only !== undefined && !only.has(name)) continue
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
  if (lexical.success && lexical.data['windowing'] !== undefined) {
    // A window-level model scores documents through the detector, not texts one by one.
    const result = await scoreIndirect(name, { ...lexical.data, eval_file: manifest.eval_file })
    allChecks.push(...result.checks)
    report[name] = {
      tier: 'lexical',
      seconds: (performance.now() - started) / 1000,
      ...result.report,
    }
    continue
  }
  let scorer: Scorer
  if (lexical.success) scorer = await lexicalScorer(name)
  else {
    // The embedding cache is off so every text really runs the encoder.
    backbone ??= await EmbeddingModel.load(join(BUILTIN_MODELS_DIR, 'minilm-l6-v2'), {
      cacheSize: 0,
    })
    scorer = await headScorer(name, backbone)
  }
  const result = await evaluateModel(name, { ...manifest, eval_file: manifest.eval_file }, scorer)
  await scorer.close()
  allChecks.push(...result.checks)
  report[name] = {
    tier: lexical.success ? 'lexical' : 'semantic',
    seconds: (performance.now() - started) / 1000,
    ...result.report,
  }
}
await backbone?.close()
const failures = allChecks.filter((c) => !c.ok)
console.log(
  JSON.stringify(
    {
      tolerance: TOLERANCE,
      models: report,
      checkCount: allChecks.length,
      failures,
      checks: allChecks,
    },
    null,
    2,
  ),
)
if (failures.length > 0) process.exitCode = 1
