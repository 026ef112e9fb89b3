import type { ContextStorage } from './platform.js'

/**
 * Context storage for runtimes without AsyncLocalStorage: a scope lasts for the synchronous part
 * of `run`, and `enterWith` sets a process-wide value. Concurrent requests can therefore see each
 * other's `lastEvaluation` here; the README says so.
 */
export class FallbackStorage<T> implements ContextStorage<T> {
  private current: T | undefined

  /** The store of the current scope. */
  getStore(): T | undefined {
    return this.current
  }

  /** Runs `fn` with `store` as the current store, restoring the previous one afterwards. */
  run<R>(store: T, fn: () => R): R {
    const previous = this.current
    this.current = store
    try {
      return fn()
    } finally {
      this.current = previous
    }
  }

  /** Replaces the current store. */
  enterWith(store: T): void {
    this.current = store
  }
}
