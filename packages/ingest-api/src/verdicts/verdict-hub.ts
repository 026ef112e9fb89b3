import type { Verdict } from '@anansi/protocol'
import { ProjectSubscribers } from '../http/project-subscribers.js'

type Listener = (verdict: Verdict) => void

/**
 * Fans decided verdicts out to whoever waits in this replica: long-polls for one event, and
 * subscribers (WebSocket, SSE) for a whole project. Fed from the `anansi.verdicts` topic.
 */
export class VerdictHub {
  private readonly waiters = new Map<string, Set<Listener>>()
  private readonly subscribers = new ProjectSubscribers<Verdict>()

  /** Delivers one decided verdict. */
  publish(projectId: string, verdict: Verdict): void {
    const key = `${projectId}/${verdict.eventId.toLowerCase()}`
    for (const listener of this.waiters.get(key) ?? []) listener(verdict)
    this.waiters.delete(key)
    this.subscribers.notify(projectId, verdict)
  }

  /** Resolves with the event's verdict when it arrives, or undefined after `timeoutMs`. */
  wait(
    projectId: string,
    eventId: string,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<Verdict | undefined> {
    const key = `${projectId}/${eventId.toLowerCase()}`
    return new Promise((resolve) => {
      const listeners = this.waiters.get(key) ?? new Set<Listener>()
      const done = (verdict: Verdict | undefined): void => {
        clearTimeout(timer)
        listeners.delete(listener)
        if (listeners.size === 0) this.waiters.delete(key)
        signal?.removeEventListener('abort', abort)
        resolve(verdict)
      }
      const listener: Listener = (verdict) => done(verdict)
      const abort = (): void => done(undefined)
      const timer = setTimeout(() => done(undefined), timeoutMs)
      listeners.add(listener)
      this.waiters.set(key, listeners)
      signal?.addEventListener('abort', abort)
    })
  }

  /** Calls `listener` for every verdict of the project until the returned function is called. */
  subscribe(projectId: string, listener: Listener): () => void {
    return this.subscribers.subscribe(projectId, listener)
  }

  /** Long-polls waiting now (for metrics and tests). */
  get waiting(): number {
    let n = 0
    for (const set of this.waiters.values()) n += set.size
    return n
  }
}
