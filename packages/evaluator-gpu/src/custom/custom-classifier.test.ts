import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InferenceSession } from 'onnxruntime-node'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { BUILTIN_MODELS_DIR } from '../model-directory.js'
import type { SessionRuntime } from '../runtime/onnx-session.js'
import { EvaluatorSuite } from '../suite/evaluator-suite.js'
import { CustomClassifier } from './custom-classifier.js'
import { readCustomModelSpecs } from './custom-model-spec.js'
import { customModelsFromEnv } from './custom-models-env.js'

const fixtureDir = join(BUILTIN_MODELS_DIR, '..', 'fixtures', 'custom-classifier')
const expected = z
  .object({
    labels: z.array(z.string()),
    max_length: z.number(),
    cases: z.array(
      z.object({ text: z.string(), truncated: z.boolean(), softmax: z.array(z.number()) }),
    ),
  })
  .parse(JSON.parse(readFileSync(join(fixtureDir, 'expected.json'), 'utf8')))
const work = mkdtempSync(join(tmpdir(), 'anansi-custom-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** Writes a registration file the way a user would, with paths relative to it. */
function writeConfig(spec: Record<string, unknown>): string {
  const file = join(work, `models-${Math.random().toString(36).slice(2)}.json`)
  writeFileSync(file, JSON.stringify([spec]))
  return file
}

const base = {
  name: 'sentiment-fixture',
  model: join(fixtureDir, 'model.onnx'),
  tokenizer: join(BUILTIN_MODELS_DIR, 'minilm-l6-v2', 'tokenizer.json'),
  labels: expected.labels,
  primaryLabel: 'negative',
  maxLength: expected.max_length,
  targets: ['output'],
}

describe('custom ONNX classifier registered by path and label map', () => {
  it('tokenizes, runs, applies softmax and maps labels exactly like the Python reference', async () => {
    const [spec] = await readCustomModelSpecs(writeConfig(base))
    const classifier = await CustomClassifier.load(spec ?? expect.fail('no spec'))
    try {
      const results = await classifier.evaluate(
        expected.cases.map((c) => ({ text: c.text, target: 'output' as const })),
      )
      results.forEach((r, i) => {
        const want = expected.cases[i]
        expect(r).toMatchObject({
          evaluator: 'sentiment-fixture',
          tier: 'custom',
          modelId: 'model.onnx',
        })
        expected.labels.forEach((label, j) =>
          expect(r.labels?.[label]).toBeCloseTo(want?.softmax[j] ?? NaN, 5),
        )
        expect(r.truncated ?? false).toBe(want?.truncated)
      })
    } finally {
      await classifier.close()
    }
  })

  it('refuses a spec whose primary label is not a label, or whose sha256 does not match', async () => {
    await expect(
      readCustomModelSpecs(writeConfig({ ...base, primaryLabel: 'angry' })),
    ).rejects.toMatchObject({ code: 'invalid_manifest' })
    const [spec] = await readCustomModelSpecs(writeConfig({ ...base, sha256: '0'.repeat(64) }))
    await expect(CustomClassifier.load(spec ?? expect.fail('no spec'))).rejects.toMatchObject({
      code: 'model_integrity',
    })
  })

  it('refuses a missing model file and an output name the graph lacks', async () => {
    const [missing] = await readCustomModelSpecs(writeConfig({ ...base, model: './nope.onnx' }))
    await expect(CustomClassifier.load(missing ?? expect.fail('no spec'))).rejects.toMatchObject({
      code: 'model_not_found',
    })
    const [wrongOutput] = await readCustomModelSpecs(writeConfig({ ...base, output: 'scores' }))
    await expect(
      CustomClassifier.load(wrongOutput ?? expect.fail('no spec')),
    ).rejects.toMatchObject({ code: 'invalid_manifest' })
  })

  it('scores empty text and bytes, and refuses non-strings with a typed error', async () => {
    const [spec] = await readCustomModelSpecs(writeConfig(base))
    const classifier = await CustomClassifier.load(spec ?? expect.fail('no spec'))
    try {
      const text = expected.cases[0]?.text ?? 'a fine day'
      const [empty, fromBytes, fromString] = await classifier.evaluate([
        { text: '', target: 'output' },
        { text: new TextEncoder().encode(text), target: 'output' },
        { text, target: 'output' },
      ])
      expect(empty?.score).toBeGreaterThanOrEqual(0)
      expect(empty?.score).toBeLessThanOrEqual(1)
      expect(fromBytes?.labels).toEqual(fromString?.labels)
      for (const bad of [42, null, ['a'], Uint8Array.from([0xff])])
        await expect(
          classifier.evaluate([{ text: bad as unknown as string, target: 'output' }]),
        ).rejects.toMatchObject({ code: 'invalid_input' })
    } finally {
      await classifier.close()
    }
  })

  it('batches concurrent calls up to the maxBatchSize its spec sets', async () => {
    const batchSizes: number[] = []
    const runtime: SessionRuntime = {
      providers: () => ['cpu'],
      async create(bytes, options) {
        const session = await InferenceSession.create(bytes, options)
        const run = session.run.bind(session)
        vi.spyOn(session, 'run').mockImplementation((feeds: InferenceSession.FeedsType) => {
          batchSizes.push(Number(feeds.input_ids?.dims[0]))
          return run(feeds)
        })
        return session
      },
    }
    const [spec] = await readCustomModelSpecs(
      writeConfig({ ...base, batching: { maxBatchSize: 4, maxWaitMs: 5 } }),
    )
    expect(spec?.batching).toEqual({ maxBatchSize: 4, maxWaitMs: 5, maxQueue: 10_000 })
    const classifier = await CustomClassifier.load(spec ?? expect.fail('no spec'), { runtime })
    try {
      batchSizes.length = 0 // the warm-up run
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          classifier.evaluate([{ text: `review number ${i}`, target: 'output' }]),
        ),
      )
      expect(batchSizes.reduce((a, b) => a + b, 0)).toBe(20)
      expect(Math.max(...batchSizes)).toBe(4)
    } finally {
      await classifier.close()
    }
    await expect(
      readCustomModelSpecs(writeConfig({ ...base, batching: { maxBatchSize: 0 } })),
    ).rejects.toMatchObject({ code: 'invalid_manifest' })
  })
})

describe('custom models from ANANSI_CUSTOM_MODELS', () => {
  afterEach(() => vi.unstubAllEnvs())

  it('reads nothing when the variable is unset or empty, and the named file otherwise', async () => {
    expect(await customModelsFromEnv({})).toEqual([])
    expect(await customModelsFromEnv({ ANANSI_CUSTOM_MODELS: '  ' })).toEqual([])
    const specs = await customModelsFromEnv({ ANANSI_CUSTOM_MODELS: writeConfig(base) })
    expect(specs.map((s) => s.name)).toEqual(['sentiment-fixture'])
    await expect(
      customModelsFromEnv({ ANANSI_CUSTOM_MODELS: join(work, 'missing.json') }),
    ).rejects.toMatchObject({ code: 'invalid_manifest' })
  })

  it('registers the file it names in every suite, without code changes', async () => {
    vi.stubEnv('ANANSI_CUSTOM_MODELS', writeConfig({ ...base, targets: ['input', 'output'] }))
    const suite = await EvaluatorSuite.load({ tiers: [], only: [] })
    try {
      expect(suite.describe()).toEqual([
        expect.objectContaining({
          name: 'sentiment-fixture',
          tier: 'custom',
          targets: ['input', 'output'],
        }),
      ])
      const { evaluations } = await suite.comprehensive({ input: 'great', output: 'awful' })
      expect(evaluations.map((e) => `${e.evaluator}:${e.target}`).sort()).toEqual([
        'sentiment-fixture:input',
        'sentiment-fixture:output',
      ])
    } finally {
      await suite.close()
    }
    // An explicit list wins over the environment.
    const explicit = await EvaluatorSuite.load({ tiers: [], only: [], custom: [] })
    expect(explicit.describe()).toEqual([])
    await explicit.close()
  })

  it('accepts a RoBERTa-style tokenizer.json (<s> … </s>, no [SEP])', async () => {
    const bert = z
      .looseObject({ model: z.looseObject({ vocab: z.record(z.string(), z.int()) }) })
      .parse(JSON.parse(readFileSync(base.tokenizer, 'utf8')))
    const vocab = Object.fromEntries(
      Object.entries(bert.model.vocab).map(([token, id]) => [
        token === '[CLS]' ? '<s>' : token === '[SEP]' ? '</s>' : token,
        id,
      ]),
    )
    const tokenizer = join(work, 'roberta-tokenizer.json')
    writeFileSync(
      tokenizer,
      JSON.stringify({
        ...bert,
        model: { ...bert.model, vocab },
        added_tokens: [],
        post_processor: { type: 'RobertaProcessing', sep: ['</s>', 102], cls: ['<s>', 101] },
      }),
    )
    const [spec] = await readCustomModelSpecs(writeConfig({ ...base, tokenizer }))
    const classifier = await CustomClassifier.load(spec ?? expect.fail('no spec'))
    try {
      const [result] = await classifier.evaluate([
        { text: 'tell me about gardens '.repeat(300), target: 'output' },
      ])
      expect(result?.truncated).toBe(true)
      expect(result?.score).toBeGreaterThanOrEqual(0)
    } finally {
      await classifier.close()
    }
  })
})
