import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { InferenceSession, listSupportedBackends } from 'onnxruntime-node'
import { EvaluatorError } from '../errors.js'

/** Where a session runs. */
export type ExecutionProvider = 'cuda' | 'cpu'

/**
 * What sessions are made with: the providers on offer and the session constructor. The default is
 * onnxruntime-node itself; tests inject their own to exercise provider choice without a GPU.
 */
export interface SessionRuntime {
  /** The providers this runtime can use, best first. */
  providers(): ExecutionProvider[]
  create(model: Uint8Array, options: InferenceSession.SessionOptions): Promise<InferenceSession>
  /** Told when a CUDA session could not be created (the caller then falls back to CPU). */
  cudaFailed?(cause: unknown): void
}

/** Thread and provider settings for one session. */
export interface SessionOptions {
  /** Prefer CUDA when this onnxruntime build offers it (default true); CPU otherwise. */
  preferGpu?: boolean
  /** Threads inside one operator. Tiny lexical models gain nothing from more than 1 on 2 cores. */
  intraOpThreads?: number
  /** Session factory (default: onnxruntime-node); for tests and embedders with their own runtime. */
  runtime?: SessionRuntime
}

/** An open session and the provider it actually uses. */
export interface OpenSession {
  session: InferenceSession
  provider: ExecutionProvider
}

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

let cudaBroken = false

/** onnxruntime-node as installed: CUDA while it is listed, present and has not failed, then CPU. */
export const onnxRuntime: SessionRuntime = {
  providers() {
    const listed = listSupportedBackends().some((b) => b.name === 'cuda')
    return listed && !cudaBroken && cudaLibraryPresent() ? ['cuda', 'cpu'] : ['cpu']
  },
  create: (model, options) => InferenceSession.create(model, options),
  cudaFailed(cause) {
    // Without a usable GPU or driver every CUDA attempt fails the same way: say so once, then
    // stop trying so later models load straight onto the CPU.
    if (cudaBroken) return
    cudaBroken = true
    process.emitWarning('CUDA session creation failed; evaluators run on the CPU', {
      code: 'ANANSI_CUDA_UNAVAILABLE',
      detail: cause instanceof Error ? cause.message : String(cause),
    })
  },
}

/** The providers this onnxruntime-node installation can use, best first. */
export function availableProviders(): ExecutionProvider[] {
  return onnxRuntime.providers()
}

/** Creates a session from model bytes on CUDA when available and wanted, falling back to CPU. */
export async function openSession(
  model: Uint8Array,
  options: SessionOptions = {},
): Promise<OpenSession> {
  const runtime = options.runtime ?? onnxRuntime
  const offered = runtime.providers()
  const providers = options.preferGpu === false ? offered.filter((p) => p === 'cpu') : offered
  // Sessions of one process share 2 cores: one thread between operators, few inside one.
  const base: InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: options.intraOpThreads ?? 1,
    interOpNumThreads: 1,
  }
  for (const provider of providers) {
    try {
      const session = await runtime.create(model, { ...base, executionProviders: [provider] })
      return { session, provider }
    } catch (cause) {
      if (provider === 'cpu')
        throw new EvaluatorError('inference_failed', 'cannot create an ONNX session', false, {
          cause,
        })
      runtime.cudaFailed?.(cause)
    }
  }
  throw new EvaluatorError('inference_failed', 'no execution provider available')
}
