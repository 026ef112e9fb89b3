import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import {
  TEST_RUN_FINAL_STATES,
  uuidSchema,
  type ErrorCode,
  type TestRunEvent,
  type TestRunProgress,
  type TestRunSocketMessage,
} from '@anansi/protocol'
import type { ProjectStore, Store, TestRun } from '@anansi/store'
import { WebSocketServer, type WebSocket } from 'ws'
import { addUpgradeRoute } from '../http/upgrade-routes.js'
import { testRunBody } from './test-run-body.js'
import type { TestRunService } from './test-run-service.js'

/** Limits and timings of the test-run progress WebSocket. */
export interface TestRunSocketOptions {
  /** Ping interval; a client that misses one pong is dropped (default 15 s). */
  heartbeatMs?: number
  /** Unsent bytes a client may fall behind by before it is cut off with 1013 (default 1 MiB). */
  maxBufferedBytes?: number
  /** How often the status of a run executing in another process is re-read (default 1 s). */
  pollMs?: number
  /** Where failures reading the store go (they close the socket with 1011). */
  report?: (error: unknown) => void
}

const PATH = /^\/ws\/tests\/([^/]+)$/

const REASONS: Record<number, [ErrorCode, string]> = {
  401: ['unauthorized', 'Unauthorized'],
  403: ['forbidden', 'Forbidden'],
  404: ['not_found', 'Not Found'],
  500: ['internal', 'Internal Server Error'],
}

function reject(socket: Duplex, status: 401 | 403 | 404 | 500, message: string): void {
  const [code, reason] = REASONS[status] ?? ['internal', 'Internal Server Error']
  const body = JSON.stringify({ error: { code, message } })
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  )
}

function hasEnded(run: TestRun): boolean {
  return (TEST_RUN_FINAL_STATES as readonly string[]).includes(run.status)
}

/**
 * Serves `WS /ws/tests/{id}` on a Node HTTP server: live progress of one of the key's project's
 * runs (read scope). The client first receives `{type: 'status', run}`, then a `progress` message
 * after each stored result, then the final `status`, and the server closes with 1000. A run that
 * executes in another process (or with no runner here) is followed by re-reading its stored
 * status every `pollMs` instead. Slow clients are cut off (1013) instead of being buffered
 * without bound; dead ones are found by heartbeat.
 * @returns a function that closes every socket and stops the heartbeat
 */
export function attachTestRunSocket(
  server: Server,
  store: Store,
  service: TestRunService | undefined,
  options: TestRunSocketOptions = {},
): () => Promise<void> {
  const wss = new WebSocketServer({ noServer: true })
  const maxBuffered = options.maxBufferedBytes ?? 2 ** 20
  const pollMs = options.pollMs ?? 1000
  const report = options.report ?? ((error: unknown) => console.error('[ingest-api]', error))
  const alive = new WeakMap<WebSocket, boolean>()
  const settled = (project: ProjectStore, run: TestRun): Promise<TestRun> =>
    service?.settle === undefined || hasEnded(run)
      ? Promise.resolve(run)
      : service.settle(project, run)

  const admit = async (
    request: IncomingMessage,
    runId: string,
  ): Promise<{ status: 401 | 403 | 404; message: string } | { project: ProjectStore }> => {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')
    const key = match?.[1] === undefined ? undefined : await store.verifyApiKey(match[1])
    if (!key)
      return {
        status: 401,
        message: 'a valid API key is required (Authorization: Bearer <key>)',
      }
    if (!key.scopes.some((s) => s === 'read' || s === 'admin'))
      return { status: 403, message: 'this key lacks the read scope' }
    const project = store.forProject(key.projectId)
    // The same answer for a malformed id and another project's run: nothing leaks across tenants.
    if (!uuidSchema.safeParse(runId).success || (await project.getTestRun(runId)) === undefined)
      return { status: 404, message: 'no such test run in this project' }
    return { project }
  }

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void => {
    // Not decoded: a run id is a uuid, which needs no escapes (anything else is a 404).
    const runId = PATH.exec(url.pathname)?.[1] ?? ''
    admit(request, runId).then(
      (admitted) => {
        if (!('project' in admitted)) return reject(socket, admitted.status, admitted.message)
        wss.handleUpgrade(request, socket, head, (ws) => follow(ws, admitted.project, runId))
      },
      (error: unknown) => {
        report(error)
        reject(socket, 500, 'the request could not be checked')
      },
    )
  }

  const send = (ws: WebSocket, message: TestRunSocketMessage): void => {
    if (ws.readyState !== ws.OPEN) return
    if (ws.bufferedAmount > maxBuffered)
      ws.close(1013, 'slow consumer: read GET /api/v1/tests/{id}/status instead')
    else ws.send(JSON.stringify(message))
  }

  const follow = (ws: WebSocket, project: ProjectStore, runId: string): void => {
    alive.set(ws, true)
    ws.on('pong', () => alive.set(ws, true))
    ws.on('error', () => ws.terminate())
    let poll: NodeJS.Timeout | undefined
    let ready = false
    // Until the first status is out, progress is held back: only the newest counts (they are
    // cumulative), so what waits is bounded.
    let heldProgress: TestRunProgress | undefined
    let heldEnd = false

    const fail = (error: unknown): void => {
      report(error)
      if (ws.readyState === ws.OPEN) ws.close(1011, 'the run could not be read')
    }
    const sendStatus = async (): Promise<TestRun | undefined> => {
      const stored = await project.getTestRun(runId)
      // A run left running by a process that is gone is settled first, so the socket closes.
      const run = stored && (await settled(project, stored))
      if (run === undefined) {
        ws.close(1011, 'the run is gone')
        return undefined
      }
      send(ws, { type: 'status', run: testRunBody(run) })
      if (hasEnded(run)) ws.close(1000, `run ${run.status}`)
      return run
    }
    // The service reports `ended` once the final state is stored; close even if it somehow is not.
    const finish = async (): Promise<void> => {
      await sendStatus()
      if (ws.readyState === ws.OPEN) ws.close(1000, 'run ended')
    }
    const onEvent = (event: TestRunEvent): void => {
      if (!ready) {
        if (event.type === 'ended') heldEnd = true
        else heldProgress = event
        return
      }
      if (event.type === 'progress') send(ws, event)
      else finish().catch(fail)
    }

    // Subscribe before the first read so nothing stored in between is missed.
    const unsubscribe = service?.subscribe(project.projectId, runId, onEvent)
    ws.on('close', () => {
      unsubscribe?.()
      clearInterval(poll)
    })
    sendStatus().then((run) => {
      if (run === undefined || hasEnded(run)) return
      ready = true
      if (heldProgress !== undefined) send(ws, heldProgress)
      if (heldEnd) return void finish().catch(fail)
      if (unsubscribe !== undefined) return
      let seen = `${run.status}:${run.completed}`
      poll = setInterval(() => {
        project
          .getTestRun(runId)
          .then((stored) => stored && settled(project, stored))
          .then((now) => {
            if (now === undefined) return ws.close(1011, 'the run is gone')
            const state = `${now.status}:${now.completed}`
            if (state === seen) return
            seen = state
            send(ws, { type: 'status', run: testRunBody(now) })
            if (hasEnded(now)) ws.close(1000, `run ${now.status}`)
          })
          .catch(fail)
      }, pollMs)
    }, fail)
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
  const removeRoute = addUpgradeRoute(server, (pathname) => PATH.test(pathname), onUpgrade)

  return async () => {
    clearInterval(heartbeat)
    removeRoute()
    for (const ws of wss.clients) ws.close(1001, 'server shutting down')
    await new Promise<void>((resolve) => wss.close(() => resolve()))
  }
}
