import type { Verdict } from '@anansi/protocol'
import type { DebugLogger } from '../core/debug-logger.js'
import type { SocketFactory } from '../platform/platform.js'
import { parseJsonSafely } from '../transport/wire-guards.js'
import { readVerdict } from './verdict-guard.js'

interface Listener {
  onVerdict: (verdict: Verdict) => void
  onLost: () => void
}

/** Verdicts that arrive before anyone waits for them are kept briefly, up to this many. */
const EARLY_VERDICTS = 256

/**
 * The `GET /v1/verdicts` WebSocket: the ingest API pushes each verdict of the key's project as a
 * JSON `verdictSchema` message. One socket per monitor, opened lazily, reconnected with backoff.
 */
export class VerdictSocket {
  private state: 'idle' | 'connecting' | 'open' = 'idle'
  private handle: { close(): void } | undefined
  private connecting: Promise<boolean> | undefined
  private retryAt = 0
  private failures = 0
  private closed = false
  private readonly listeners = new Map<string, Listener>()
  private readonly early = new Map<string, Verdict>()

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string>,
    private readonly open: SocketFactory,
    private readonly debug: DebugLogger,
  ) {}

  /** Whether verdicts can arrive now. */
  get isOpen(): boolean {
    return this.state === 'open'
  }

  /** Opens the socket if it is not open; resolves whether it is open. Never rejects. */
  connect(): Promise<boolean> {
    if (this.state === 'open') return Promise.resolve(true)
    if (this.closed || Date.now() < this.retryAt) return Promise.resolve(false)
    this.connecting ??= this.start().finally(() => {
      this.connecting = undefined
    })
    return this.connecting
  }

  /** Listens for one event's verdict; `onLost` fires if the socket drops first. Returns the unsubscribe. */
  expect(eventId: string, listener: Listener): () => void {
    const early = this.early.get(eventId)
    if (early !== undefined) {
      this.early.delete(eventId)
      queueMicrotask(() => listener.onVerdict(early))
      return () => undefined
    }
    this.listeners.set(eventId, listener)
    return () => this.listeners.delete(eventId)
  }

  /** Closes the socket for good. */
  close(): void {
    this.closed = true
    this.handle?.close()
    this.handle = undefined
  }

  private start(): Promise<boolean> {
    this.state = 'connecting'
    return new Promise<boolean>((resolve) => {
      this.open(this.url, this.headers, {
        onOpen: () => {
          this.state = 'open'
          this.failures = 0
          this.debug('verdict socket open')
          resolve(true)
        },
        onMessage: (text) => this.dispatch(text),
        onClose: (reason) => {
          this.lost(reason)
          resolve(false)
        },
      }).then(
        (handle) => {
          if (this.closed) handle.close()
          else this.handle = handle
        },
        (error: unknown) => {
          this.debug('verdict socket unavailable; gates long-poll instead', error)
          this.lost('unavailable')
          resolve(false)
        },
      )
    })
  }

  private lost(reason: string): void {
    if (this.state === 'idle') return
    this.state = 'idle'
    this.handle = undefined
    this.failures += 1
    this.retryAt = Date.now() + Math.min(30_000, 500 * 2 ** (this.failures - 1))
    this.debug(`verdict socket ${reason}; waiting gates switch to long-poll`)
    const waiting = [...this.listeners.values()]
    this.listeners.clear()
    for (const listener of waiting) listener.onLost()
  }

  private dispatch(text: string): void {
    const verdict = readVerdict(parseJsonSafely(text))
    if (verdict === undefined) {
      this.debug('verdict socket: ignored a message that is not a verdict', text.slice(0, 200))
      return
    }
    const listener = this.listeners.get(verdict.eventId)
    if (listener !== undefined) {
      this.listeners.delete(verdict.eventId)
      listener.onVerdict(verdict)
      return
    }
    this.early.set(verdict.eventId, verdict)
    if (this.early.size > EARLY_VERDICTS) {
      const oldest = this.early.keys().next()
      if (oldest.done !== true) this.early.delete(oldest.value)
    }
  }
}
