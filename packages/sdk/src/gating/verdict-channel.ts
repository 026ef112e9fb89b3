import type { DebugLogger } from '../core/debug-logger.js'
import type { SocketFactory } from '../platform/platform.js'
import { pollVerdict, type VerdictWait } from './verdict-long-poll.js'
import { VerdictSocket } from './verdict-socket.js'

/** How to reach the verdict endpoints. */
export interface ChannelOptions {
  endpoint: string
  apiKey: string
  fetch: () => typeof fetch
  openSocket: SocketFactory | undefined
  debug: DebugLogger
}

/**
 * Remote verdicts: the WebSocket when it is open, the long-poll otherwise (edge runtimes, before
 * the socket opens, or after it drops mid-wait).
 */
export class VerdictChannel {
  private readonly socket: VerdictSocket | undefined

  constructor(private readonly options: ChannelOptions) {
    const wsUrl = `${options.endpoint.replace(/^http/, 'ws')}/v1/verdicts`
    this.socket =
      options.openSocket === undefined
        ? undefined
        : new VerdictSocket(
            wsUrl,
            { authorization: `Bearer ${options.apiKey}` },
            options.openSocket,
            options.debug,
          )
  }

  /** Opens the socket ahead of the first gate. */
  async warm(): Promise<void> {
    await this.socket?.connect()
  }

  /**
   * Waits up to `timeoutMs` for `eventId`'s verdict. Subscribes first, then calls `send` (which
   * ships the event), so a fast verdict cannot slip past. Never rejects.
   */
  wait(eventId: string, timeoutMs: number, send: () => void): Promise<VerdictWait> {
    const deadline = Date.now() + timeoutMs
    const abort = new AbortController()
    return new Promise<VerdictWait>((resolve) => {
      let settled = false
      let unsubscribe = (): void => undefined
      const finish = (result: VerdictWait): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        unsubscribe()
        abort.abort() // stop a long-poll still in flight
        resolve(result)
      }
      const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs)
      const poll = (): void => {
        const { endpoint, apiKey, fetch } = this.options
        void pollVerdict({ endpoint, apiKey, fetch, eventId, deadline, signal: abort.signal }).then(
          finish,
        )
      }
      const socket = this.socket
      if (socket?.isOpen === true) {
        unsubscribe = socket.expect(eventId, {
          onVerdict: (verdict) => finish({ kind: 'verdict', verdict }),
          onLost: poll,
        })
        send()
        return
      }
      void socket?.connect() // for the next gate; this one long-polls
      send()
      poll()
    })
  }

  /** Closes the socket. */
  close(): void {
    this.socket?.close()
  }
}
