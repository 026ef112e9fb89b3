import { TestRunnerError } from '../errors.js'

/** Waits `ms`, or rejects with a `cancelled` TestRunnerError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(new TestRunnerError('cancelled', 'cancelled'))
      return
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(new TestRunnerError('cancelled', 'cancelled'))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
