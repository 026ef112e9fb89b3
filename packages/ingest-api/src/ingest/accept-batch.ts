import type { Producer } from '@anansi/bus'
import {
  eventMessageKey,
  validateBatch,
  type BatchResponse,
  type EventEnvelope,
  type EventResult,
  type LlmEvent,
} from '@anansi/protocol'
import type { ProjectStore } from '@anansi/store'
import { ApiError, validationError } from '../http/api-error.js'
import type { EventHub } from './event-hub.js'
import type { RecentIds } from './recent-ids.js'

/** What accepting a batch needs. */
export interface AcceptDeps {
  project: ProjectStore
  producer: Producer
  /** Where accepted events are published (`anansi.events` unless configured). */
  eventsTopic: string
  recent: RecentIds
  /** Live listeners (SSE) of this replica's accepted events. */
  live?: EventHub
  now: () => Date
}

/** The answer: 202 when nothing was rejected, 207 when some events were. */
export interface AcceptOutcome {
  status: 202 | 207
  body: BatchResponse
}

/**
 * Accepts a JSON-parsed batch. Each event is validated on its own; ids the project already has
 * (stored, or accepted by this replica moments ago, or earlier in the same batch) are answered
 * `duplicate` and not re-sent. The rest are published to the events topic and the promise resolves
 * only once the bus holds them durably, so a 2xx never covers an event that could still be lost.
 * A crash after publishing but before answering makes the client retry; the processor is
 * idempotent by event id, so the second copy changes nothing.
 */
export async function acceptBatch(deps: AcceptDeps, body: unknown): Promise<AcceptOutcome> {
  const validated = validateBatch(body)
  if (!validated.ok) throw validationError('the batch envelope is invalid', validated.issues)
  const valid = validated.items.flatMap((item) => (item.ok ? [item.event] : []))
  const stored = await deps.project.existingEventIds(valid.map((e) => e.id))
  const seen = new Set<string>()
  const fresh: LlmEvent[] = []
  const results: EventResult[] = validated.items.map((item) => {
    if (!item.ok)
      return {
        index: item.index,
        ...(item.id === undefined ? {} : { id: item.id }),
        status: 'rejected',
        errors: item.issues,
      }
    const id = item.event.id.toLowerCase()
    if (seen.has(id) || stored.has(id) || deps.recent.has(deps.project.projectId, id))
      return { index: item.index, id: item.event.id, status: 'duplicate' }
    seen.add(id)
    fresh.push(item.event)
    return { index: item.index, id: item.event.id, status: 'accepted' }
  })
  await publish(deps, fresh)
  deps.live?.accepted(deps.project.projectId, fresh)
  deps.recent.add(
    deps.project.projectId,
    fresh.map((e) => e.id),
  )
  const count = (status: EventResult['status']): number =>
    results.filter((r) => r.status === status).length
  const response: BatchResponse = {
    accepted: count('accepted'),
    duplicates: count('duplicate'),
    rejected: count('rejected'),
    results,
  }
  return { status: response.rejected > 0 ? 207 : 202, body: response }
}

async function publish(deps: AcceptDeps, events: LlmEvent[]): Promise<void> {
  if (events.length === 0) return
  const receivedAt = deps.now().toISOString()
  const messages = events.map((event) => {
    const envelope: EventEnvelope = { projectId: deps.project.projectId, receivedAt, event }
    return {
      key: eventMessageKey(deps.project.projectId, event.model.name),
      value: JSON.stringify(envelope),
      headers: { 'event-id': event.id },
    }
  })
  try {
    await deps.producer.send(deps.eventsTopic, messages)
  } catch (cause) {
    // Nothing was acknowledged: the client may retry the whole batch safely.
    throw new ApiError(
      503,
      'service_unavailable',
      'the event log is unavailable; retry with backoff',
      { retryAfterSeconds: 1 },
      { cause },
    )
  }
}
