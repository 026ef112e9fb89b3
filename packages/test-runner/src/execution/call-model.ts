import { TestRunnerError } from '../errors.js'
import type { CompletionRequest, CompletionResponse, Provider } from '../providers/provider.js'
import { ProviderError } from '../providers/provider.js'
import type { AdaptiveLimiter } from './adaptive-limiter.js'
import { cacheKey, type ResponseCache } from './response-cache.js'
import { withRetries, type RetryOptions } from './retry.js'

/** Everything between the runner and one provider. */
export interface ModelCaller {
  provider: Provider
  limiter: AdaptiveLimiter
  cache?: ResponseCache
  retry?: RetryOptions
}

/** A model's answer and how it was obtained. */
export interface CallOutcome {
  response: CompletionResponse
  cached: boolean
  attempts: number
  /** Time spent in the successful attempt (0 for a cache hit). */
  latencyMs: number
}

/**
 * Asks the model once per distinct request: the cache first, then attempts through the
 * provider's adaptive limiter with capped retries on 429, 5xx, timeouts and network errors.
 * Throws `cancelled` when the signal aborts, else the final ProviderError.
 */
export async function callModel(
  caller: ModelCaller,
  request: CompletionRequest,
  signal?: AbortSignal,
): Promise<CallOutcome> {
  const key = caller.cache && cacheKey(caller.provider, request)
  if (key !== undefined) {
    const hit = await caller.cache?.get(key)
    if (hit !== undefined) return { response: hit, cached: true, attempts: 0, latencyMs: 0 }
  }
  let latencyMs = 0
  try {
    const { value, attempts } = await withRetries(
      async () => {
        const release = await caller.limiter.acquire(signal)
        const started = performance.now()
        try {
          const response = await caller.provider.complete(
            request,
            signal === undefined ? {} : { signal },
          )
          latencyMs = performance.now() - started
          caller.limiter.onSuccess()
          return response
        } catch (error) {
          if (error instanceof ProviderError && error.kind === 'rate_limited')
            caller.limiter.onRateLimited(error.retryAfterMs)
          throw error
        } finally {
          release()
        }
      },
      { ...caller.retry, ...(signal === undefined ? {} : { signal }) },
    )
    if (key !== undefined) await caller.cache?.set(key, value)
    return { response: value, cached: false, attempts, latencyMs }
  } catch (error) {
    if (signal?.aborted === true || (error instanceof ProviderError && error.kind === 'aborted'))
      throw new TestRunnerError('cancelled', 'cancelled', { cause: error })
    throw error
  }
}
