import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Store, VerifiedApiKey } from '@anansi/store'
import { WebSocketServer, type WebSocket } from 'ws'
import { addUpgradeRoute } from '../http/upgrade-routes.js'
import type { VerdictHub } from './verdict-hub.js'

/** Limits of the verdict WebSocket. */
export interface VerdictSocketOptions {
  /** Ping interval; a client that misses one pong is dropped (default 15 s). */
  heartbeatMs?: number
  /** Unsent bytes a client may fall behind by before it is cut off with 1013 (default 1 MiB). */
  maxBufferedBytes?: number
}

const PATH = '/v1/verdicts'

function reject(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({
    error: { code: status === 401 ? 'unauthorized' : 'forbidden', message },
  })
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Forbidden'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  )
}

async function authorize(
  store: Store,
  request: IncomingMessage,
): Promise<VerifiedApiKey | undefined> {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')
  return match?.[1] === undefined ? undefined : store.verifyApiKey(match[1])
}

/**
 * Serves `GET /v1/verdicts` as a WebSocket on a Node HTTP server: after an API-key check, the
 * client receives each verdict of its project as one JSON message. `?after=<eventId>` first
 * replays the verdicts decided since that event's (resume after a reconnect). Slow clients are
 * cut off (close 1013) instead of being buffered without bound; dead ones are found by heartbeat.
 * @returns a function that closes every socket and stops the heartbeat
 */
export function attachVerdictSocket(
  server: Server,
  store: Store,
  hub: VerdictHub,
  options: VerdictSocketOptions = {},
): () => Promise<void> {
  const wss = new WebSocketServer({ noServer: true })
  const maxBuffered = options.maxBufferedBytes ?? 2 ** 20
  const alive = new WeakMap<WebSocket, boolean>()

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void => {
    authorize(store, request).then(
      (key) => {
        if (!key)
          return reject(socket, 401, 'a valid API key is required (Authorization: Bearer <key>)')
        if (!key.scopes.some((s) => s === 'ingest' || s === 'read' || s === 'admin'))
          return reject(socket, 403, 'this key cannot read verdicts')
        wss.handleUpgrade(
          request,
          socket,
          head,
          (ws) => void serve(ws, key.projectId, url.searchParams.get('after')),
        )
      },
      () => reject(socket, 401, 'the key could not be verified'),
    )
  }

  const send = (ws: WebSocket, payload: string): void => {
    if (ws.bufferedAmount > maxBuffered)
      ws.close(1013, 'slow consumer: reconnect with ?after=<last event id>')
    else ws.send(payload)
  }

  const serve = async (ws: WebSocket, projectId: string, after: string | null): Promise<void> => {
    alive.set(ws, true)
    ws.on('pong', () => alive.set(ws, true))
    // Subscribe before replaying so nothing decided during the replay is missed (it may arrive twice).
    const unsubscribe = hub.subscribe(projectId, (verdict) => send(ws, JSON.stringify(verdict)))
    ws.on('close', unsubscribe)
    ws.on('error', () => ws.terminate())
    if (after !== null) {
      for (const verdict of await store.forProject(projectId).listVerdictsAfter(after))
        send(ws, JSON.stringify(verdict))
    }
  }

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate()
        continue
      }
      alive.set(ws, false)
      ws.ping()
    }
  }, options.heartbeatMs ?? 15_000)
  heartbeat.unref()
  const removeRoute = addUpgradeRoute(server, (pathname) => pathname === PATH, onUpgrade)

  return async () => {
    clearInterval(heartbeat)
    removeRoute()
    for (const ws of wss.clients) ws.close(1001, 'server shutting down')
    await new Promise<void>((resolve) => wss.close(() => resolve()))
  }
}
