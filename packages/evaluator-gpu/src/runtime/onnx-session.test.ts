import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { InferenceSession } from 'onnxruntime-node'
import { describe, expect, it, vi } from 'vitest'
import { CustomClassifier } from '../custom/custom-classifier.js'
import { parseCustomModelSpec } from '../custom/custom-model-spec.js'
import { LexicalEvaluator } from '../lexical/lexical-evaluator.js'
import { BUILTIN_MODELS_DIR } from '../model-directory.js'
import {
  availableProviders,
  openSession,
  type ExecutionProvider,
  type SessionRuntime,
} from './onnx-session.js'

// Stands in for a session where nothing is run on it; only its identity is checked.
const fakeSession = { release: () => Promise.resolve() } as unknown as InferenceSession
const model = Uint8Array.from([1, 2, 3])

/** A runtime offering `providers`, whose `create` fails for the providers in `failing`. */
function fakeRuntime(providers: ExecutionProvider[], failing: ExecutionProvider[] = []) {
  const cudaFailed = vi.fn<(cause: unknown) => void>()
  const create = vi.fn<SessionRuntime['create']>((_model, options) => {
    const first = options.executionProviders?.[0]
    const provider = typeof first === 'string' ? first : 'unnamed'
    return failing.some((p) => p === provider)
      ? Promise.reject(new Error(`${provider} is broken`))
      : Promise.resolve(fakeSession)
  })
  const runtime: SessionRuntime = { providers: () => providers, create, cudaFailed }
  const triedProviders = (): unknown[] => create.mock.calls.map(([, o]) => o.executionProviders)
  return { runtime, create, cudaFailed, triedProviders }
}

describe('openSession', () => {
  it('uses CUDA when the runtime offers it', async () => {
    const { runtime, triedProviders } = fakeRuntime(['cuda', 'cpu'])
    const opened = await openSession(model, { runtime })
    expect(opened).toEqual({ session: fakeSession, provider: 'cuda' })
    expect(triedProviders()).toEqual([['cuda']])
  })

  it('uses the CPU when CUDA is not offered', async () => {
    const { runtime, triedProviders } = fakeRuntime(['cpu'])
    expect((await openSession(model, { runtime })).provider).toBe('cpu')
    expect(triedProviders()).toEqual([['cpu']])
  })

  it('falls back to the CPU when the CUDA session cannot be created, and reports why', async () => {
    const { runtime, cudaFailed, triedProviders } = fakeRuntime(['cuda', 'cpu'], ['cuda'])
    expect((await openSession(model, { runtime })).provider).toBe('cpu')
    expect(triedProviders()).toEqual([['cuda'], ['cpu']])
    expect(cudaFailed).toHaveBeenCalledWith(expect.objectContaining({ message: 'cuda is broken' }))
  })

  it('never tries CUDA with preferGpu: false', async () => {
    const { runtime, triedProviders } = fakeRuntime(['cuda', 'cpu'])
    expect((await openSession(model, { runtime, preferGpu: false })).provider).toBe('cpu')
    expect(triedProviders()).toEqual([['cpu']])
  })

  it('raises a typed error with the cause when even the CPU session fails', async () => {
    const { runtime } = fakeRuntime(['cuda', 'cpu'], ['cuda', 'cpu'])
    const error: unknown = await openSession(model, { runtime }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'inference_failed', retriable: false })
    expect((error as Error).cause).toMatchObject({ message: 'cpu is broken' })
  })

  it('sets threads for two cores: one between operators, one inside unless asked otherwise', async () => {
    const { runtime, create } = fakeRuntime(['cpu'])
    await openSession(model, { runtime })
    await openSession(model, { runtime, intraOpThreads: 2 })
    expect(create.mock.calls.map(([, o]) => o)).toEqual([
      expect.objectContaining({ intraOpNumThreads: 1, interOpNumThreads: 1 }),
      expect.objectContaining({ intraOpNumThreads: 2, interOpNumThreads: 1 }),
    ])
    expect(create.mock.calls[0]?.[1]).toMatchObject({ graphOptimizationLevel: 'all' })
  })

  it('opens a real model on the best provider onnxruntime-node offers here', async () => {
    const offered = availableProviders()
    expect(offered.at(-1)).toBe('cpu')
    const bytes = await readFile(join(BUILTIN_MODELS_DIR, 'jailbreak', 'model.onnx'))
    const { session, provider } = await openSession(bytes)
    try {
      expect(provider).toBe(offered[0])
      expect(session.inputNames).toEqual(['indices', 'counts'])
    } finally {
      await session.release()
    }
  })
})

/** The real onnxruntime, counting the runs of every session it creates. */
function countingRuntime(): { runtime: SessionRuntime; runs: () => number } {
  let runs = 0
  const runtime: SessionRuntime = {
    providers: () => ['cpu'],
    async create(bytes, options) {
      const session = await InferenceSession.create(bytes, options)
      const run = session.run.bind(session)
      vi.spyOn(session, 'run').mockImplementation((feeds: InferenceSession.FeedsType) => {
        runs += 1
        return run(feeds)
      })
      return session
    },
  }
  return { runtime, runs: () => runs }
}

describe('warm-up at load', () => {
  it('runs a built-in lexical model once before the first call', async () => {
    const { runtime, runs } = countingRuntime()
    const evaluator = await LexicalEvaluator.load(join(BUILTIN_MODELS_DIR, 'jailbreak'), {
      runtime,
    })
    expect(runs()).toBe(1)
    await evaluator.close()
  })

  const fixture = (labels: string[]) =>
    parseCustomModelSpec(
      {
        name: 'sentiment-fixture',
        model: join(BUILTIN_MODELS_DIR, '..', 'fixtures', 'custom-classifier', 'model.onnx'),
        tokenizer: join(BUILTIN_MODELS_DIR, 'minilm-l6-v2', 'tokenizer.json'),
        labels,
        primaryLabel: 'negative',
      },
      BUILTIN_MODELS_DIR,
    )

  it('runs a registered custom classifier once before the first call', async () => {
    const { runtime, runs } = countingRuntime()
    const classifier = await CustomClassifier.load(fixture(['negative', 'neutral', 'positive']), {
      runtime,
    })
    expect(runs()).toBe(1)
    await classifier.close()
  })

  it('so a label map that does not fit the graph fails at registration, not on live traffic', async () => {
    await expect(CustomClassifier.load(fixture(['negative', 'positive']))).rejects.toMatchObject({
      code: 'inference_failed',
    })
  })
})
