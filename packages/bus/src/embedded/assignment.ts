import type { TopicPartition } from '../messages.js'

/**
 * The partitions `member` should own: every partition of every topic (topics sorted by name),
 * dealt round-robin over the live members sorted by id. Every member computes the same table from
 * the same member list, so no leader election is needed.
 */
export function assignPartitions(
  members: readonly string[],
  topics: ReadonlyMap<string, number>,
  member: string,
): TopicPartition[] {
  const sorted = [...members].sort()
  const index = sorted.indexOf(member)
  if (index < 0) return []
  const mine: TopicPartition[] = []
  let dealt = 0
  for (const topic of [...topics.keys()].sort()) {
    const partitions = topics.get(topic) ?? 0
    for (let partition = 0; partition < partitions; partition++) {
      if (dealt % sorted.length === index) mine.push({ topic, partition })
      dealt++
    }
  }
  return mine
}
