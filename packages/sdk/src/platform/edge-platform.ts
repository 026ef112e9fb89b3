import type { ContextStorage, Platform } from './platform.js'
import { fetchPost } from '../transport/http-post.js'
import { FallbackStorage } from './fallback-storage.js'
import { webGzip } from './web-gzip.js'

type StorageConstructor = new <T>() => ContextStorage<T>

/** Reads a variable where the runtime has `process.env` (Node-compatible edges); undefined elsewhere. */
function readEnv(name: string): string | undefined {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
  return proc?.env?.[name]
}

/**
 * The platform for edge runtimes and browsers: no Node built-ins. Workers that expose
 * `AsyncLocalStorage` globally (Vercel Edge, Cloudflare with nodejs_compat) get real async context.
 */
export const edgePlatform: Platform = {
  name: 'edge',
  env: readEnv,
  compress: webGzip(),
  // Read `fetch` at call time so a polyfill installed after import is used.
  post: fetchPost(() => globalThis.fetch),
  createStorage<T>(): ContextStorage<T> {
    const Als = (globalThis as { AsyncLocalStorage?: StorageConstructor }).AsyncLocalStorage
    return Als ? new Als<T>() : new FallbackStorage<T>()
  },
  openSocket: undefined,
  loadEvaluator: undefined,
  loadPii: () => import('@anansi/evaluator/pii'),
  loadOtel: () => import('@opentelemetry/api'),
  onBeforeExit: undefined,
}
