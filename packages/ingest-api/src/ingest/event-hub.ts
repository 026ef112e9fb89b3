import type { LlmEvent } from '@anansi/protocol'

type Listener = (event: LlmEvent) => void

/** Fans out the events this replica accepts, per project, to live streams (SSE dashboards). */
export class EventHub {
  private readonly subscribers = new Map<string, Set<Listener>>()

  /** Delivers accepted events. */
  publish(projectId: string, events: readonly LlmEvent[]): void {
    const listeners = this.subscribers.get(projectId)
    if (!listeners) return
    for (const event of events) for (const listener of listeners) listener(event)
  }

  /** Calls `listener` for every accepted event of the project until the returned function is called. */
  subscribe(projectId: string, listener: Listener): () => void {
    const set = this.subscribers.get(projectId) ?? new Set<Listener>()
    set.add(listener)
    this.subscribers.set(projectId, set)
    return () => {
      set.delete(listener)
      if (set.size === 0) this.subscribers.delete(projectId)
    }
  }
}
