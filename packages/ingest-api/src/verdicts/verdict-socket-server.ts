import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { toIssues, uuidSchema } from '@anansi/protocol'
import type { Store, VerifiedApiKey } from '@anansi/store'
import { WebSocketServer, type WebSocket } from 'ws'
import { z } from 'zod'
import { rejectUpgrade } from '../http/reject-upgrade.js'
import { addUpgradeRoute } from '../http/upgrade-routes.js'
import { replayVerdicts } from './replay-verdicts.js'
import type { VerdictHub } from './verdict-hub.js'

/** Limits of the verdict WebSocket. */
export interface VerdictSocketOptions {
  /** Ping interval; a client that misses one pong is dropped (default 15 s). */
  heartbeatMs?: number
  /** Unsent bytes a client may fall behind by before it is cut off with 1013 (default 1 MiB). */
  maxBufferedBytes?: number
  /** Verdicts read from the store at a time when resuming (default 1000, at most 10,000). */
  replayPageSize?: number
  /** Where failures serving a socket go (the socket is closed with 1011). */
  report?: (error: unknown) => void
}

const PATH = '/v1/verdicts'

const verdictQuery = z.object({ after: uuidSchema.optional() })

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
 * replays the verdicts decided since that event's (resume after a reconnect), page by page until
 * caught up; an `after` that is not a uuid is refused with 400 before upgrading. Slow clients are
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
  const pageSize = Math.min(Math.max(options.replayPageSize ?? 1000, 1), 10_000)
  const report = options.report ?? ((error: unknown) => console.error('[ingest-api]', error))
  const alive = new WeakMap<WebSocket, boolean>()

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void => {
    authorize(store, request).then(
      (key) => {
        if (!key)
          return rejectUpgrade(socket, 401, {
            error: {
              code: 'unauthorized',
              message: 'a valid API key is required (Authorization: Bearer <key>)',
            },
          })
        if (!key.scopes.some((s) => s === 'ingest' || s === 'read' || s === 'admin'))
          return rejectUpgrade(socket, 403, {
            error: { code: 'forbidden', message: 'this key cannot read verdicts' },
          })
        const query = verdictQuery.safeParse(Object.fromEntries(url.searchParams))
        if (!query.success)
          return rejectUpgrade(socket, 400, {
            error: {
              code: 'validation_failed',
              message: 'invalid query',
              details: { issues: toIssues(query.error, ['query']) },
            },
          })
        wss.handleUpgrade(request, socket, head, (ws) => {
          serve(ws, key.projectId, query.data.after).catch((error: unknown) => {
            report(error)
            ws.close(1011, 'internal error: reconnect with ?after=<last event id>')
          })
        })
      },
      (error: unknown) => {
        report(error)
        rejectUpgrade(socket, 503, {
          error: { code: 'service_unavailable', message: 'the key could not be verified; retry' },
        })
      },
    )
  }

  const send = (ws: WebSocket, payload: string): void => {
    if (ws.readyState !== ws.OPEN) return
    if (ws.bufferedAmount > maxBuffered)
      ws.close(1013, 'slow consumer: reconnect with ?after=<last event id>')
    else ws.send(payload)
  }

  const serve = async (
    ws: WebSocket,
    projectId: string,
    after: string | undefined,
  ): Promise<void> => {
    alive.set(ws, true)
    ws.on('pong', () => alive.set(ws, true))
    // Subscribe before replaying so nothing decided during the replay is missed (it may arrive twice).
    const unsubscribe = hub.subscribe(projectId, (verdict) => send(ws, JSON.stringify(verdict)))
    ws.on('close', unsubscribe)
    ws.on('error', () => ws.terminate())
    if (after !== undefined)
      await replayVerdicts(ws, store.forProject(projectId), after, {
        pageSize,
        highWaterBytes: maxBuffered / 2,
      })
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
