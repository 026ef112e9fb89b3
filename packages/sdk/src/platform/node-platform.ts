import { AsyncLocalStorage } from 'node:async_hooks'
import { constants, gzip } from 'node:zlib'
import type { Compressor } from '../transport/http-sender.js'
import { registerBeforeExit } from './node-exit-hook.js'
import { nodePost } from './node-post.js'
import { openNodeSocket } from './node-socket.js'
import type { ContextStorage, Platform } from './platform.js'

/** Gzip on libuv's thread pool at speed level 1: the CPU cost matters more than a few bytes here. */
const nodeGzip: Compressor = (data) =>
  new Promise((resolve, reject) => {
    gzip(data, { level: constants.Z_BEST_SPEED }, (error, result) =>
      error
        ? reject(error)
        : resolve(new Uint8Array(result.buffer, result.byteOffset, result.byteLength)),
    )
  })

/** The Node platform: AsyncLocalStorage, zlib, undici's WebSocket, the in-process evaluator, beforeExit. */
export const nodePlatform: Platform = {
  name: 'node',
  env: (name) => process.env[name],
  compress: nodeGzip,
  post: nodePost,
  createStorage: <T>(): ContextStorage<T> => new AsyncLocalStorage<T>(),
  openSocket: openNodeSocket,
  loadEvaluator: () => import('@anansi/evaluator'),
  loadPii: () => import('@anansi/evaluator/pii'),
  loadOtel: () => import('@opentelemetry/api'),
  onBeforeExit: registerBeforeExit,
}
