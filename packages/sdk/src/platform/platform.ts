import type { EvaluatorModuleLike } from '../gating/local-evaluator.js'
import type { HttpPost } from '../transport/http-post.js'
import type { Compressor } from '../transport/http-sender.js'
import type { OtelTraceApi } from '../core/trace-context.js'
import type { PiiModuleLike } from '../event/pii-redactor.js'

/** Per-async-context storage: AsyncLocalStorage where the runtime has it, a fallback elsewhere. */
export interface ContextStorage<T> {
  getStore(): T | undefined
  run<R>(store: T, fn: () => R): R
  enterWith(store: T): void
}

/** Callbacks of a verdict socket. */
export interface SocketHandlers {
  onOpen(): void
  onMessage(text: string): void
  onClose(reason: string): void
}

/** Opens a WebSocket with headers (for the API key) that never holds the process open. */
export type SocketFactory = (
  url: string,
  headers: Record<string, string>,
  handlers: SocketHandlers,
) => Promise<{ close(): void }>

/** What differs between Node and other runtimes; the monitor core only talks to this. */
export interface Platform {
  readonly name: 'node' | 'edge'
  env(name: string): string | undefined
  readonly compress: Compressor | undefined
  /** The POST used to ship batches when the options give no `fetch`. */
  readonly post: HttpPost
  createStorage<T>(): ContextStorage<T>
  readonly openSocket: SocketFactory | undefined
  readonly loadEvaluator: (() => Promise<EvaluatorModuleLike>) | undefined
  readonly loadPii: () => Promise<PiiModuleLike>
  readonly loadOtel: () => Promise<OtelTraceApi>
  /** Runs `flush` when the process is about to exit; returns the unregistration. */
  readonly onBeforeExit: ((flush: () => Promise<unknown>) => () => void) | undefined
}
