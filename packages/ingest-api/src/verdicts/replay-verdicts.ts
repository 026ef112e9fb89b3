import type { ProjectStore } from '@anansi/store'
import type { WebSocket } from 'ws'

/** How a resumed subscription catches up. */
export interface ReplayOptions {
  /** Verdicts read from the store at a time. */
  pageSize: number
  /** Unsent bytes above which each message waits until the socket has taken it. */
  highWaterBytes: number
}

function sendFlushed(ws: WebSocket, payload: string): Promise<void> {
  // The callback also runs (with an error) when the socket dies first, so this never hangs.
  return new Promise((resolve) => ws.send(payload, () => resolve()))
}

/**
 * Sends every verdict decided after `afterEventId`, oldest first, page by page until caught up
 * or the socket closes. Past the high-water mark it paces itself on the socket instead of
 * buffering: a reader at any speed catches up, and one that stops reading is dropped by the
 * heartbeat or by live traffic hitting the cut-off, which also ends this loop.
 */
export async function replayVerdicts(
  ws: WebSocket,
  project: ProjectStore,
  afterEventId: string,
  options: ReplayOptions,
): Promise<void> {
  let cursor = afterEventId
  for (;;) {
    const page = await project.listVerdictsAfter(cursor, options.pageSize)
    for (const verdict of page) {
      if (ws.readyState !== ws.OPEN) return
      const payload = JSON.stringify(verdict)
      if (ws.bufferedAmount > options.highWaterBytes) await sendFlushed(ws, payload)
      else ws.send(payload)
    }
    const last = page.at(-1)
    if (last === undefined || page.length < options.pageSize) return
    cursor = last.eventId
  }
}
