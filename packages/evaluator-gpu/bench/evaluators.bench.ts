/**
 * `pnpm --filter @anansi/evaluator bench [--quick]`: per model and tier, latency of one 1 KB text
 * (p50/p99), throughput at batch 32, and resident memory, each next to a raw
 * `InferenceSession.run` on the same input in the same process (the ratio is our overhead:
 * featurization or tokenization, batching, result mapping). Prints JSON.
 */
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
const batch = Array.from({ length: 32 }, (_, i) => `${text.slice(0, 1000)} ${i}`)
const results: Record<string, unknown> = {}

for (const name of readdirSync(BUILTIN_MODELS_DIR).sort()) {
  const manifest = lexicalManifestSchema.safeParse(
    JSON.parse(readFileSync(join(BUILTIN_MODELS_DIR, name, 'manifest.json'), 'utf8')),
  )
  if (!manifest.success) continue
  const rssBefore = process.memoryUsage().rss
  const evaluator = await LexicalEvaluator.load(join(BUILTIN_MODELS_DIR, name))
  const rssLoaded = process.memoryUsage().rss
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
    await timeRuns(() => evaluator.evaluate([{ text, target: 'output' }]), iterations),
  )
  const bare = summarize(
    await timeRuns(() => raw.run({ indices: single.indices, counts: single.counts }), iterations),
  )
  const ours32 = summarize(
    await timeRuns(
      () => evaluator.evaluate(batch.map((t) => ({ text: t, target: 'output' as const }))),
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
    modelRssMb: mb(rssLoaded - rssBefore),
  }
  await evaluator.close()
  await raw.release()
}

// Semantic tier: the backbone dominates; heads are a few microseconds. The embedding cache is off so
// every call really runs the encoder.
if (!process.argv.includes('--lexical-only')) {
  const semanticIterations = quick ? 10 : 200
  const rssBefore = process.memoryUsage().rss
  const backbone = await EmbeddingModel.load(join(BUILTIN_MODELS_DIR, 'minilm-l6-v2'), {
    cacheSize: 0,
  })
  const evaluator = await SemanticEvaluator.load(
    join(BUILTIN_MODELS_DIR, 'semantic-jailbreak'),
    backbone,
  )
  const rssLoaded = process.memoryUsage().rss
  const raw = await InferenceSession.create(
    join(BUILTIN_MODELS_DIR, 'minilm-l6-v2', backbone.manifest.file),
    { intraOpNumThreads: 2, interOpNumThreads: 1, graphOptimizationLevel: 'all' },
  )
  const single = buildEncoderTensors([backbone.encode(text)])
  const batched = buildEncoderTensors(batch.map((t) => backbone.encode(t)))
  const ours = summarize(
    await timeRuns(() => evaluator.evaluate([{ text, target: 'input' }]), semanticIterations),
  )
  const bare = summarize(await timeRuns(() => raw.run(single), semanticIterations))
  const ours32 = summarize(
    await timeRuns(
      () => evaluator.evaluate(batch.map((t) => ({ text: t, target: 'input' as const }))),
      quick ? 2 : 20,
    ),
  )
  const bare32 = summarize(await timeRuns(() => raw.run(batched), quick ? 2 : 20))
  results['jailbreak/semantic'] = {
    tokens: backbone.encode(text).ids.length,
    latency1KbMs: ours,
    rawSessionRun1KbMs: bare,
    overheadRatioP50: Math.round((ours.p50 / bare.p50) * 100) / 100,
    throughputBatch32TextsPerSecond: Math.round(32_000 / ours32.p50),
    rawThroughputBatch32TextsPerSecond: Math.round(32_000 / bare32.p50),
    modelRssMb: mb(rssLoaded - rssBefore),
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
      note: 'ours = evaluate() incl. featurization, batching and result mapping; raw = InferenceSession.run on pre-built tensors',
      rssMb: mb(process.memoryUsage().rss),
      results,
    },
    null,
    2,
  ),
)
