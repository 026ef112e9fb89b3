import { BusError, type Bus } from '@anansi/bus'
import { TOPICS } from '@anansi/protocol'

/** The topics a processor reads and writes; defaults to the platform's names. */
export interface TopicNames {
  events: string
  verdicts: string
  eventsDeadLetter: string
}

/** The platform's topic names (tests and side-by-side environments pass their own). */
export const DEFAULT_TOPICS: TopicNames = { ...TOPICS }

/** Partitions of `anansi.events` unless configured: the most processors one group can spread over. */
export const DEFAULT_EVENT_PARTITIONS = 8

/**
 * Creates the platform's topics if they are missing, with explicit settings: events partitioned by
 * (project, model) key; verdicts by project; the dead-letter topic kept for two weeks. An existing
 * topic keeps its partition count — except that when `eventPartitions` is given explicitly, an
 * events topic with fewer partitions is refused (adding partitions moves keys: do it deliberately).
 */
export async function ensureTopics(
  bus: Bus,
  options: { eventPartitions?: number; topics?: TopicNames } = {},
): Promise<void> {
  const partitions = options.eventPartitions ?? DEFAULT_EVENT_PARTITIONS
  const topics = options.topics ?? DEFAULT_TOPICS
  const specs = [
    { topic: topics.events, partitions, config: { 'retention.ms': String(7 * 86_400_000) } },
    { topic: topics.verdicts, partitions, config: { 'retention.ms': String(86_400_000) } },
    {
      topic: topics.eventsDeadLetter,
      partitions: 1,
      config: { 'retention.ms': String(14 * 86_400_000) },
    },
  ]
  for (const spec of specs) {
    try {
      await bus.admin.ensureTopics([spec])
    } catch (error) {
      const strict = spec.topic === topics.events && options.eventPartitions !== undefined
      if (error instanceof BusError && error.code === 'topic_mismatch' && !strict) continue
      throw error
    }
  }
}
