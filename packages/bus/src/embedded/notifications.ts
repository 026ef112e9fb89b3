import type { BusLogger } from '../logger.js'
import { NOTIFY_CHANNEL } from './append.js'
import type { SqlClient } from './sql-client.js'

/** Lets a sleeping poll loop be woken early; a wake while awake makes the next wait return at once. */
export class Waker {
  private pending: (() => void) | undefined
  private signaled = false

  /** Sleeps up to `ms`, or until `wake()`. */
  wait(ms: number): Promise<void> {
    if (this.signaled) {
      this.signaled = false
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        if (this.pending === done) this.pending = undefined
        resolve()
      }
      const timer = setTimeout(done, Math.max(1, ms))
      this.pending = done
    })
  }

  /** Ends the current `wait`, or the next one if none is in progress. */
  wake(): void {
    if (this.pending === undefined) this.signaled = true
    else this.pending()
  }
}

/**
 * One LISTEN per bus on the channel every send notifies, fanned out to the consumers of the
 * notified topic. Without LISTEN support (or if it fails) consumers simply poll.
 */
export class TopicNotifications {
  private readonly subscribers = new Map<
    symbol,
    { topics: ReadonlySet<string>; wake: () => void }
  >()
  private listening: Promise<(() => Promise<void>) | undefined> | undefined

  constructor(
    private readonly client: SqlClient,
    private readonly enabled: boolean,
    private readonly logger: BusLogger,
  ) {}

  /** Whether sends wake consumers (so polling can be slow). */
  get active(): boolean {
    return this.enabled && this.client.listen !== undefined
  }

  /** Calls `wake` whenever one of `topics` gets messages; returns the unsubscribe. */
  async subscribe(topics: readonly string[], wake: () => void): Promise<() => void> {
    const id = Symbol('subscriber')
    this.subscribers.set(id, { topics: new Set(topics), wake })
    if (this.active) {
      this.listening ??= this.listen()
      await this.listening
    }
    return () => this.subscribers.delete(id)
  }

  /** Stops listening. */
  async close(): Promise<void> {
    const listening = this.listening
    this.listening = undefined
    const unlisten = await listening
    await unlisten?.()
  }

  private async listen(): Promise<(() => Promise<void>) | undefined> {
    try {
      return await this.client.listen?.(NOTIFY_CHANNEL, (topic) => this.dispatch(topic))
    } catch (error) {
      this.logger.warn('LISTEN failed; embedded consumers fall back to polling', { error })
      return undefined
    }
  }

  private dispatch(topic: string): void {
    for (const { topics, wake } of this.subscribers.values()) if (topics.has(topic)) wake()
  }
}
