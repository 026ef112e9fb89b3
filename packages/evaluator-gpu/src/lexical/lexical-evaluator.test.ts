import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { EvaluationResult } from '@anansi/protocol'
import { z } from 'zod'
import { EvaluatorError } from '../errors.js'
import { resultMismatches } from '../runtime/test-result-mismatches.js'
import { BUILTIN_MODELS_DIR } from '../model-directory.js'
import { LexicalEvaluator } from './lexical-evaluator.js'
import { loadLexicalModel } from './lexical-model.js'

const parity = z
  .object({
    models: z.record(
      z.string(),
      z.object({
        labels: z.array(z.string()),
        cases: z.array(z.object({ text: z.string(), probabilities: z.array(z.number()) })),
      }),
    ),
  })
  .parse(
    JSON.parse(
      readFileSync(join(BUILTIN_MODELS_DIR, '..', 'fixtures', 'model-parity.json'), 'utf8'),
    ),
  )

describe('lexical models match Python onnxruntime', () => {
  it.each(Object.entries(parity.models))('%s', async (name, fixture) => {
    const model = await loadLexicalModel(join(BUILTIN_MODELS_DIR, name))
    try {
      expect(model.manifest.output.labels).toEqual(fixture.labels)
      const predictions = await model.predict(fixture.cases.map((c) => c.text))
      predictions.forEach((p, i) => {
        const expected = fixture.cases[i]?.probabilities ?? []
        Array.from(p.probabilities).forEach((v, j) => expect(v).toBeCloseTo(expected[j] ?? NaN, 5))
      })
    } finally {
      await model.close()
    }
  })
})

describe('LexicalEvaluator', () => {
  let toxicity: LexicalEvaluator
  beforeAll(async () => {
    toxicity = await LexicalEvaluator.load(join(BUILTIN_MODELS_DIR, 'toxicity'))
  })
  afterAll(async () => {
    await toxicity.close()
  })

  it('returns protocol results that separate toxic from benign text', async () => {
    const [toxic, benign] = await toxicity.evaluate([
      { text: 'You are a worthless idiot and everyone hates you, shut up', target: 'output' },
      { text: 'The weather in Lisbon is mild in spring, perfect for a walk.', target: 'output' },
    ])
    expect(toxic).toMatchObject({ evaluator: 'toxicity', tier: 'lexical', flagged: true })
    expect(benign).toMatchObject({ flagged: false, label: 'none' })
    expect(toxic?.score).toBeGreaterThan(benign?.score ?? 1)
  })

  it('answers a burst of 1,000 concurrent calls as sequential calls would, in order per caller', async () => {
    // Each caller sends two different texts, so a swap inside a call or between calls shows up.
    const calls = Array.from({ length: 1000 }, (_, i) => [
      i % 3 === 0 ? `you stupid moron number ${i}` : `have a lovely day number ${i}`,
      i % 2 === 0
        ? `what a filthy disgusting idiot, caller ${i}`
        : `thanks for the help, caller ${i}`,
    ])
    const request = (texts: string[]): { text: string; target: 'output' }[] =>
      texts.map((text) => ({ text, target: 'output' }))
    const sequential: EvaluationResult[][] = []
    for (const texts of calls) sequential.push(await toxicity.evaluate(request(texts)))
    // Scores differ from text to text, so comparing them does identify which text each one is for.
    expect(new Set(sequential.flat().map((r) => r.score)).size).toBeGreaterThan(1500)
    expect(sequential.flat().filter((r) => r.flagged).length).toBeGreaterThan(500)

    const batchSizes: number[] = []
    const predict = toxicity.model.predict.bind(toxicity.model)
    const spy = vi.spyOn(toxicity.model, 'predict').mockImplementation(async (texts) => {
      batchSizes.push(texts.length)
      return predict(texts)
    })
    try {
      const burst = await Promise.all(calls.map((texts) => toxicity.evaluate(request(texts))))
      expect(resultMismatches(burst, sequential, 1e-6)).toEqual([])
    } finally {
      spy.mockRestore()
    }
    // The burst really was batched across callers, not run one call at a time.
    expect(Math.max(...batchSizes)).toBeGreaterThan(2)
    expect(batchSizes.reduce((a, b) => a + b, 0)).toBe(2000)
  })

  it('handles empty and huge text, flagging truncation', async () => {
    const [empty, huge] = await toxicity.evaluate([
      { text: '', target: 'input' },
      { text: 'word '.repeat(300_000), target: 'input' },
    ])
    expect(empty?.score).toBeGreaterThanOrEqual(0)
    expect(empty?.truncated).toBeUndefined()
    expect(huge?.truncated).toBe(true)
  })

  it('refuses non-string input and non-string context with a typed error', async () => {
    const bad = { text: 42, target: 'input' } as unknown as { text: string; target: 'input' }
    await expect(toxicity.evaluate([bad])).rejects.toMatchObject({ code: 'invalid_input' })
    await expect(
      toxicity.evaluate([{ text: 'ok', target: 'output', context: [null as unknown as string] }]),
    ).rejects.toMatchObject({ code: 'invalid_input' })
  })

  it('takes UTF-8 bytes through the strict decoder and refuses invalid ones', async () => {
    const text = 'you are a worthless idiot'
    const [fromBytes, fromString] = await toxicity.evaluate([
      { text: new TextEncoder().encode(text), target: 'output' },
      { text, target: 'output' },
    ])
    expect(fromBytes?.labels).toEqual(fromString?.labels)
    await expect(
      toxicity.evaluate([{ text: Uint8Array.from([0x69, 0x64, 0xc3]), target: 'output' }]),
    ).rejects.toMatchObject({ code: 'invalid_input' })
  })
})

describe('model loading', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'anansi-model-'))
    cpSync(join(BUILTIN_MODELS_DIR, 'jailbreak'), join(dir, 'jailbreak'), { recursive: true })
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('refuses weights whose sha256 does not match the manifest', async () => {
    const file = join(dir, 'jailbreak', 'model.onnx')
    const bytes = readFileSync(file)
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1)
    writeFileSync(file, bytes)
    const error: unknown = await loadLexicalModel(join(dir, 'jailbreak')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(EvaluatorError)
    expect(error).toMatchObject({ code: 'model_integrity' })
  })

  it('refuses a missing directory and an invalid manifest with typed errors', async () => {
    await expect(loadLexicalModel(join(dir, 'nope'))).rejects.toMatchObject({
      code: 'model_not_found',
    })
    writeFileSync(join(dir, 'jailbreak', 'manifest.json'), JSON.stringify({ name: 'x' }))
    await expect(loadLexicalModel(join(dir, 'jailbreak'))).rejects.toMatchObject({
      code: 'invalid_manifest',
    })
  })
})
