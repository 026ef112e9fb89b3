import type { LlmEvent } from '@anansi/protocol'
import { ProjectSubscribers } from '../http/project-subscribers.js'

/** Fans out the events this replica accepts, per project, to live streams (SSE dashboards). */
export class EventHub {
  private readonly subscribers = new ProjectSubscribers<LlmEvent>()

  /** Delivers accepted events. */
  publish(projectId: string, events: readonly LlmEvent[]): void {
    for (const event of events) this.subscribers.notify(projectId, event)
  }

  /** Calls `listener` for every accepted event of the project until the returned function is called. */
  subscribe(projectId: string, listener: (event: LlmEvent) => void): () => void {
    return this.subscribers.subscribe(projectId, listener)
  }
}
