import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { InferenceSession, listSupportedBackends } from 'onnxruntime-node'
import { EvaluatorError } from '../errors.js'

/** Where a session runs. */
export type ExecutionProvider = 'cuda' | 'cpu'

/** Thread and provider settings for one session. */
export interface SessionOptions {
  /** Prefer CUDA when this onnxruntime build offers it (default true); CPU otherwise. */
  preferGpu?: boolean
  /** Threads inside one operator. Tiny lexical models gain nothing from more than 1 on 2 cores. */
  intraOpThreads?: number
}

/** An open session and the provider it actually uses. */
export interface OpenSession {
  session: InferenceSession
  provider: ExecutionProvider
}

let cudaFailed = false

// The linux-x64 binding always *lists* CUDA, but its provider library only exists where the
// package's install script could fetch it (never offline); trying without it just logs an error.
function cudaLibraryPresent(): boolean {
  const require = createRequire(import.meta.url)
  const root = dirname(dirname(require.resolve('onnxruntime-node')))
  return existsSync(
    join(
      root,
      'bin',
      'napi-v6',
      process.platform,
      process.arch,
      'libonnxruntime_providers_cuda.so',
    ),
  )
}

/** The providers this onnxruntime-node installation can use, best first. */
export function availableProviders(): ExecutionProvider[] {
  const listed = listSupportedBackends().some((b) => b.name === 'cuda')
  return listed && !cudaFailed && cudaLibraryPresent() ? ['cuda', 'cpu'] : ['cpu']
}

/** Creates a session from model bytes on CUDA when available and wanted, falling back to CPU. */
export async function openSession(
  model: Uint8Array,
  options: SessionOptions = {},
): Promise<OpenSession> {
  const providers = options.preferGpu === false ? (['cpu'] as const) : availableProviders()
  const base: InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: options.intraOpThreads ?? 1,
    interOpNumThreads: 1,
  }
  for (const provider of providers) {
    try {
      const session = await InferenceSession.create(model, {
        ...base,
        executionProviders: [provider],
      })
      return { session, provider }
    } catch (cause) {
      // CUDA without a usable GPU or driver fails here: remember it and use the bundled CPU provider.
      if (provider === 'cuda') cudaFailed = true
      if (provider === 'cpu')
        throw new EvaluatorError('inference_failed', 'cannot create an ONNX session', false, {
          cause,
        })
    }
  }
  throw new EvaluatorError('inference_failed', 'no execution provider available')
}
