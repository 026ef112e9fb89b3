import type { ChatMessage } from '../scenarios/scenario.js'

/** Generation parameters, part of the cache key. */
export interface GenerationParams {
  temperature?: number
  maxTokens?: number
  seed?: number
}

/** One request to a model. */
export interface CompletionRequest extends GenerationParams {
  messages: readonly ChatMessage[]
}

/** A model's answer. */
export interface CompletionResponse {
  text: string
  inputTokens?: number
  outputTokens?: number
  finishReason?: string
}

/** Per-call controls. */
export interface CallOptions {
  signal?: AbortSignal
}

/** A chat model behind an API. Implementations make one attempt: retries live in the runner. */
export interface Provider {
  /** `openai`, `anthropic`, … */
  readonly name: string
  readonly model: string
  /** Identifies the endpoint in cache keys (the base URL), never a secret. */
  readonly endpoint: string
  complete(request: CompletionRequest, options?: CallOptions): Promise<CompletionResponse>
}

/** Why a provider call failed, as the retry and rate-limit logic sees it. */
export type ProviderFailureKind =
  'rate_limited' | 'server' | 'timeout' | 'network' | 'client' | 'aborted'

/** A failed provider call, classified. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError'

  constructor(
    readonly kind: ProviderFailureKind,
    message: string,
    readonly status?: number,
    /** The server's requested wait (`retry-after-ms` / `retry-after`), in milliseconds. */
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }

  /** Whether another attempt may succeed. */
  get retriable(): boolean {
    return (
      this.kind === 'rate_limited' ||
      this.kind === 'server' ||
      this.kind === 'timeout' ||
      this.kind === 'network'
    )
  }
}

/**
 * Reads the wait a server asks for: `retry-after-ms` (OpenAI), else `retry-after` in seconds or
 * as an HTTP date. Undefined when absent or unreadable.
 */
export function parseRetryAfter(
  headers: { get(name: string): string | null } | undefined,
  now: number = Date.now(),
): number | undefined {
  if (headers === undefined) return undefined
  const ms = Number(headers.get('retry-after-ms') ?? Number.NaN)
  if (Number.isFinite(ms) && ms >= 0) return ms
  const value = headers.get('retry-after')
  if (value === null || value.trim() === '') return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

interface SdkErrorShape {
  status?: number | undefined
  headers?: { get(name: string): string | null } | undefined
  name: string
  message: string
}

/**
 * Classifies an error thrown by the `openai` or `@anthropic-ai/sdk` client (both share the
 * Stainless error shape: `status`, `headers`, class names like `APIConnectionTimeoutError`).
 */
export function classifySdkError(error: unknown, signal?: AbortSignal): ProviderError {
  if (error instanceof ProviderError) return error
  if (signal?.aborted === true)
    return new ProviderError('aborted', 'the call was cancelled', undefined, undefined, {
      cause: error,
    })
  if (!(error instanceof Error))
    return new ProviderError('network', String(error), undefined, undefined, { cause: error })
  const shape = error as Error & Partial<SdkErrorShape>
  const status = typeof shape.status === 'number' ? shape.status : undefined
  const name = error.constructor.name
  if (name === 'APIUserAbortError' || error.name === 'AbortError')
    return new ProviderError('aborted', 'the call was cancelled', status, undefined, {
      cause: error,
    })
  if (status === undefined) {
    const timedOut = name === 'APIConnectionTimeoutError' || /timed? ?out/i.test(error.message)
    return new ProviderError(timedOut ? 'timeout' : 'network', error.message, status, undefined, {
      cause: error,
    })
  }
  const retryAfter = parseRetryAfter(shape.headers)
  if (status === 429)
    return new ProviderError('rate_limited', error.message, status, retryAfter, { cause: error })
  if (status === 408)
    return new ProviderError('timeout', error.message, status, retryAfter, { cause: error })
  if (status >= 500)
    return new ProviderError('server', error.message, status, retryAfter, { cause: error })
  return new ProviderError('client', error.message, status, undefined, { cause: error })
}
