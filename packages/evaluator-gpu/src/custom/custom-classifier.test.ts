import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { BUILTIN_MODELS_DIR } from '../model-directory.js'
import { CustomClassifier } from './custom-classifier.js'
import { readCustomModelSpecs } from './custom-model-spec.js'

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
})
