import type { Bus, BusError, Consumer } from '@anansi/bus'
import { TOPICS, verdictEnvelopeSchema } from '@anansi/protocol'
import type { VerdictHub } from './verdict-hub.js'

/** What a malformed message or a consumer failure is reported to. */
export type FeedErrorReporter = (error: unknown) => void

/**
 * Feeds every verdict published on `anansi.verdicts` into this replica's hub. Each replica needs
 * all verdicts (its waiters may be for any project), so each uses a group of its own and starts at
 * the end of the topic: verdicts decided earlier are read from the store instead.
 */
export async function startVerdictFeed(
  bus: Bus,
  hub: VerdictHub,
  replicaId: string,
  report: FeedErrorReporter,
): Promise<Consumer> {
  const consumer = bus.createConsumer({
    groupId: `anansi-ingest-verdicts-${replicaId}`,
    topics: [TOPICS.verdicts],
    startFrom: 'latest',
  })
  await consumer.run({
    eachBatch: async ({ messages }) => {
      for (const message of messages) {
        let raw: unknown
        try {
          raw = JSON.parse(new TextDecoder().decode(message.value))
        } catch (error) {
          report(
            new Error(`unreadable verdict message at offset ${message.offset}`, { cause: error }),
          )
          continue
        }
        const parsed = verdictEnvelopeSchema.safeParse(raw)
        if (!parsed.success) {
          // Skipping is safe: the verdict is also in the store, where long-polls look last.
          report(
            new Error(
              `invalid verdict message at offset ${message.offset}: ${parsed.error.message}`,
            ),
          )
          continue
        }
        hub.publish(parsed.data.projectId, parsed.data.verdict)
      }
      await Promise.resolve()
    },
    onError: (error: BusError) => report(error),
  })
  return consumer
}
