import type { LlmEvent } from '@anansi/protocol'
import { ProjectSubscribers } from '../http/project-subscribers.js'

/**
 * Fans accepted events out, per project, to this replica's live streams (SSE dashboards). On its
 * own it delivers what this replica accepts; once an event feed follows the bus (`startEventFeed`)
 * it delivers what the feed reads instead, events accepted by every replica, each exactly once.
 */
export class EventHub {
  private readonly subscribers = new ProjectSubscribers<LlmEvent>()
  private feeds = 0

  /** Events this replica accepted: delivered now unless a feed follows the bus (it brings them). */
  accepted(projectId: string, events: readonly LlmEvent[]): void {
    if (this.feeds === 0) this.deliver(projectId, events)
  }

  /** Events read from the bus by a feed (accepted by any replica). */
  fromBus(projectId: string, event: LlmEvent): void {
    if (this.feeds > 0) this.subscribers.notify(projectId, event)
  }

  /**
   * Switches delivery to the bus until the returned function is called: from then on events this
   * replica accepts reach its streams through the feed, in log order, like everyone else's.
   */
  followBus(): () => void {
    this.feeds += 1
    let undone = false
    return () => {
      if (undone) return
      undone = true
      this.feeds -= 1
    }
  }

  /** Whether any stream of the project listens here (a feed skips other projects' events unread). */
  listening(projectId: string): boolean {
    return this.subscribers.has(projectId)
  }

  /** Calls `listener` for every accepted event of the project until the returned function is called. */
  subscribe(projectId: string, listener: (event: LlmEvent) => void): () => void {
    return this.subscribers.subscribe(projectId, listener)
  }

  private deliver(projectId: string, events: readonly LlmEvent[]): void {
    for (const event of events) this.subscribers.notify(projectId, event)
  }
}
