/**
 * `pnpm --filter @anansi/evaluator bench [--quick]`: per model and tier, latency of one 1 KB text
 * (p50/p99), throughput at batch 32, and resident memory, each next to a raw
 * `InferenceSession.run` on the same input in the same process (the ratio is our overhead:
 * featurization or tokenization, batching, result mapping). Prints JSON.
 *
 * Every timed call gets a text no earlier call saw: the lexical models share a feature cache and
 * the backbone an embedding cache, so repeating one text would time cache hits, not featurization.
 */
import { fork } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { InferenceSession } from 'onnxruntime-node'
import {
  BUILTIN_MODELS_DIR,
  EmbeddingModel,
  LexicalEvaluator,
  lexicalManifestSchema,
  SemanticEvaluator,
} from '../src/index.js'
import { buildLexicalTensors } from '../src/lexical/lexical-model.js'
import { buildEncoderTensors } from '../src/semantic/embedding-model.js'
import { summarize, timeRuns } from './stats.js'

const quick = process.argv.includes('--quick')
const iterations = quick ? 50 : 1000
const batchIterations = quick ? 5 : 100

/** About 1 KB of ordinary prose, built from held-out benign text so it is realistic, not random. */
function oneKilobyteText(): string {
  const rows = readFileSync(
    join(BUILTIN_MODELS_DIR, '..', 'eval-data', 'jailbreak.heldout.jsonl'),
    'utf8',
  )
    .split('\n')
    .slice(0, 200)
  let text = ''
  for (const line of rows) {
    if (line.trim() === '') continue
    const row = JSON.parse(line) as { text: string }
    text += `${row.text} `
    if (Buffer.byteLength(text) >= 1024) break
  }
  return Buffer.from(text)
    .subarray(0, 1024)
    .toString('utf8')
    .replace(/\uFFFD$/, '')
}

const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10
const text = oneKilobyteText()
let serial = 0
/** The 1 KB text with a never-repeated prefix (and the same length), so no cache can answer it. */
function freshText(): string {
  serial += 1
  const prefix = `${serial} `
  return prefix + text.slice(prefix.length)
}
const freshBatch = (): string[] => Array.from({ length: 32 }, freshText)
const batch = freshBatch()

/** Resident memory a loaded, warmed-up model adds, measured in a fresh child process. */
async function modelRssMb(target: string): Promise<{ modelRssMb: number; firstLoadRssMb: number }> {
  const child = fork(join(import.meta.dirname, 'model-memory.ts'), [target], { stdio: 'pipe' })
  let out = ''
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  if (code !== 0) throw new Error(`model-memory.ts ${target} exited with ${code}`)
  const measured = JSON.parse(out) as { firstLoadBytes: number; modelBytes: number }
  return { modelRssMb: mb(measured.modelBytes), firstLoadRssMb: mb(measured.firstLoadBytes) }
}
const results: Record<string, unknown> = {}

for (const name of readdirSync(BUILTIN_MODELS_DIR).sort()) {
  const manifest = lexicalManifestSchema.safeParse(
    JSON.parse(readFileSync(join(BUILTIN_MODELS_DIR, name, 'manifest.json'), 'utf8')),
  )
  if (!manifest.success) continue
  const evaluator = await LexicalEvaluator.load(join(BUILTIN_MODELS_DIR, name))
  const raw = await InferenceSession.create(join(BUILTIN_MODELS_DIR, name, manifest.data.file), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  })
  const spec = {
    buckets: manifest.data.featurizer.buckets,
    maxCodePoints: manifest.data.featurizer.max_code_points,
    wordNgrams: manifest.data.featurizer.word_ngrams,
    charNgrams: manifest.data.featurizer.char_ngrams,
  }
  const single = buildLexicalTensors([text], spec)
  const batched = buildLexicalTensors(batch, spec)

  const ours = summarize(
    await timeRuns(() => evaluator.evaluate([{ text: freshText(), target: 'output' }]), iterations),
  )
  const bare = summarize(
    await timeRuns(() => raw.run({ indices: single.indices, counts: single.counts }), iterations),
  )
  const ours32 = summarize(
    await timeRuns(
      () => evaluator.evaluate(freshBatch().map((t) => ({ text: t, target: 'output' as const }))),
      batchIterations,
    ),
  )
  const bare32 = summarize(
    await timeRuns(
      () => raw.run({ indices: batched.indices, counts: batched.counts }),
      batchIterations,
    ),
  )
  results[`${name}/lexical`] = {
    latency1KbMs: ours,
    rawSessionRun1KbMs: bare,
    overheadRatioP50: Math.round((ours.p50 / bare.p50) * 100) / 100,
    throughputBatch32TextsPerSecond: Math.round(32_000 / ours32.p50),
    rawThroughputBatch32TextsPerSecond: Math.round(32_000 / bare32.p50),
    ...(await modelRssMb(name)),
  }
  await evaluator.close()
  await raw.release()
}

// Semantic tier: the backbone dominates; heads are a few microseconds. The embedding cache is off so
// every call really runs the encoder.
if (!process.argv.includes('--lexical-only')) {
  const semanticIterations = quick ? 10 : 200
  const backbone = await EmbeddingModel.load(join(BUILTIN_MODELS_DIR, 'minilm-l6-v2'), {
    cacheSize: 0,
  })
  const evaluator = await SemanticEvaluator.load(
    join(BUILTIN_MODELS_DIR, 'semantic-jailbreak'),
    backbone,
  )
  const raw = await InferenceSession.create(
    join(BUILTIN_MODELS_DIR, 'minilm-l6-v2', backbone.manifest.file),
    { intraOpNumThreads: 2, interOpNumThreads: 1, graphOptimizationLevel: 'all' },
  )
  const single = buildEncoderTensors([backbone.encode(text)])
  const batched = buildEncoderTensors(batch.map((t) => backbone.encode(t)))
  const ours = summarize(
    await timeRuns(
      () => evaluator.evaluate([{ text: freshText(), target: 'input' }]),
      semanticIterations,
    ),
  )
  const bare = summarize(await timeRuns(() => raw.run(single), semanticIterations))
  const ours32 = summarize(
    await timeRuns(
      () => evaluator.evaluate(freshBatch().map((t) => ({ text: t, target: 'input' as const }))),
      quick ? 3 : 20,
    ),
  )
  const bare32 = summarize(await timeRuns(() => raw.run(batched), quick ? 3 : 20))
  results['jailbreak/semantic'] = {
    tokens: backbone.encode(text).ids.length,
    latency1KbMs: ours,
    rawSessionRun1KbMs: bare,
    overheadRatioP50: Math.round((ours.p50 / bare.p50) * 100) / 100,
    throughputBatch32TextsPerSecond: Math.round(32_000 / ours32.p50),
    rawThroughputBatch32TextsPerSecond: Math.round(32_000 / bare32.p50),
    ...(await modelRssMb('semantic')),
    provider: backbone.provider,
  }
  await evaluator.close()
  await backbone.close()
  await raw.release()
}

console.log(
  JSON.stringify(
    {
      bench: '@anansi/evaluator',
      quick,
      node: process.version,
      cpus: (await import('node:os')).cpus().length,
      textBytes: Buffer.byteLength(text),
      note: 'ours = evaluate() on a text no cache has seen, incl. featurization or tokenization, batching and result mapping; raw = InferenceSession.run on pre-built tensors; modelRssMb = resident memory one more loaded, warmed-up instance adds in a fresh process; firstLoadRssMb = the first instance, incl. onnxruntime initialisation',
      rssMb: mb(process.memoryUsage().rss),
      results,
    },
    null,
    2,
  ),
)
