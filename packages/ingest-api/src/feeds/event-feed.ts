import type { Bus, BusError, ConsumedMessage } from '@anansi/bus'
import { TOPICS, eventEnvelopeSchema } from '@anansi/protocol'
import type { EventHub } from '../ingest/event-hub.js'
import { decodeEnvelope } from './decode-envelope.js'
import type { FeedErrorReporter } from './verdict-feed.js'

/** A running event feed. */
export interface EventFeed {
  /** Leaves the group; the hub goes back to delivering what this replica accepts. Safe twice. */
  stop(): Promise<void>
}

/**
 * Feeds the events every replica accepts (`anansi.events`, or `topic`) into this replica's event
 * hub, so a dashboard's SSE stream sees its project's events whichever replica took them. Like the
 * verdict feed, each replica reads with a group of its own from the end of the topic (a live view:
 * no history). From the start the hub delivers only what the feed reads, so an event this replica
 * accepted reaches its streams once, through the log like any other, never also directly. Messages
 * of projects nobody streams from this replica are skipped by their key, unparsed.
 */
export async function startEventFeed(
  bus: Bus,
  hub: EventHub,
  replicaId: string,
  report: FeedErrorReporter,
  topic: string = TOPICS.events,
): Promise<EventFeed> {
  const consumer = bus.createConsumer({
    groupId: `anansi-ingest-events-${replicaId}`,
    topics: [topic],
    startFrom: 'latest',
  })
  const unfollow = hub.followBus()
  try {
    await consumer.run({
      eachBatch: async ({ messages }) => {
        for (const message of messages) {
          if (!hub.listening(keyProject(message))) continue
          const envelope = decodeEnvelope(message, eventEnvelopeSchema, 'event', report)
          if (envelope !== undefined) hub.fromBus(envelope.projectId, envelope.event)
        }
        await Promise.resolve()
      },
      onError: (error: BusError) => {
        // A consumer that will not restart reads nothing more: go back to this replica's own events.
        if (error.code === 'consumer_crashed' && !error.retriable) unfollow()
        report(error)
      },
    })
  } catch (error) {
    unfollow()
    throw error
  }
  return {
    async stop() {
      unfollow()
      await consumer.stop()
    },
  }
}

/**
 * The project an event message belongs to, from its `<projectId>:<model>` key (project ids never
 * contain a colon); the whole key when it has none, which no project listens to.
 */
function keyProject(message: ConsumedMessage): string {
  const colon = message.key.indexOf(':')
  return colon < 0 ? message.key : message.key.slice(0, colon)
}
