import type { Bus } from '@anansi/bus'
import { eventMessageKey, type EventEnvelope, type LlmEvent } from '@anansi/protocol'

/** Publishes events to a named events topic the way the ingest API does, in chunks of 1,000. */
export async function publishEventsTo(
  bus: Bus,
  topic: string,
  projectId: string,
  events: readonly LlmEvent[],
): Promise<void> {
  const producer = bus.createProducer()
  try {
    const receivedAt = new Date().toISOString()
    for (let i = 0; i < events.length; i += 1_000) {
      await producer.send(
        topic,
        events.slice(i, i + 1_000).map((event) => {
          const envelope: EventEnvelope = { projectId, receivedAt, event }
          return {
            key: eventMessageKey(projectId, event.model.name),
            value: JSON.stringify(envelope),
            headers: { 'event-id': event.id },
          }
        }),
      )
    }
  } finally {
    await producer.close()
  }
}
