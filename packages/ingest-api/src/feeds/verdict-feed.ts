import type { Bus, BusError, Consumer } from '@anansi/bus'
import { TOPICS, verdictEnvelopeSchema } from '@anansi/protocol'
import type { VerdictHub } from '../verdicts/verdict-hub.js'
import { decodeEnvelope } from './decode-envelope.js'

/** What a malformed message or a consumer failure is reported to. */
export type FeedErrorReporter = (error: unknown) => void

/**
 * Feeds every verdict published on `anansi.verdicts` (or `topic`) into this replica's hub. Each
 * replica needs all verdicts (its waiters may be for any project), so each uses a group of its own
 * and starts at the end of the topic: verdicts decided earlier are read from the store instead.
 */
export async function startVerdictFeed(
  bus: Bus,
  hub: VerdictHub,
  replicaId: string,
  report: FeedErrorReporter,
  topic: string = TOPICS.verdicts,
): Promise<Consumer> {
  const consumer = bus.createConsumer({
    groupId: `anansi-ingest-verdicts-${replicaId}`,
    topics: [topic],
    startFrom: 'latest',
  })
  await consumer.run({
    eachBatch: async ({ messages }) => {
      for (const message of messages) {
        // Skipping a bad one is safe: the verdict is also in the store, where long-polls look last.
        const envelope = decodeEnvelope(message, verdictEnvelopeSchema, 'verdict', report)
        if (envelope !== undefined) hub.publish(envelope.projectId, envelope.verdict)
      }
      await Promise.resolve()
    },
    onError: (error: BusError) => report(error),
  })
  return consumer
}
