import { BusError } from '../errors.js'
import { validateTopicSpec } from '../topic-spec.js'
import type { TopicSpec } from '../messages.js'
import { BUS_SCHEMA } from './schema.js'
import type { SqlClient, SqlExecutor } from './sql-client.js'

/** Creates a topic and its partition rows if missing; checks an existing topic's partition count. */
export async function ensureTopic(client: SqlClient, spec: TopicSpec): Promise<void> {
  validateTopicSpec(spec)
  await client.transaction(async (tx) => {
    await tx.query(
      `insert into ${BUS_SCHEMA}.topics (topic, partitions, config) values ($1, $2, $3::text::jsonb)
       on conflict (topic) do nothing`,
      [spec.topic, spec.partitions, JSON.stringify(spec.config ?? {})],
    )
    const [row] = await tx.query<{ partitions: number }>(
      `select partitions from ${BUS_SCHEMA}.topics where topic = $1 for update`,
      [spec.topic],
    )
    const existing = row?.partitions ?? 0
    if (existing < spec.partitions) {
      throw new BusError(
        'topic_mismatch',
        `topic ${spec.topic} has ${existing} partitions, fewer than the ${spec.partitions} asked for; adding partitions moves keys, so do it deliberately`,
        false,
      )
    }
    await tx.query(
      `insert into ${BUS_SCHEMA}.partitions (topic, partition)
       select $1::text, p from generate_series(0, $2::integer - 1) as p
       on conflict (topic, partition) do nothing`,
      [spec.topic, existing],
    )
  })
}

/** Partition counts of the given topics that exist. */
export async function partitionCounts(
  client: SqlExecutor,
  topics: readonly string[],
): Promise<Map<string, number>> {
  const rows = await client.query<{ topic: string; partitions: number }>(
    `select topic, partitions from ${BUS_SCHEMA}.topics
     where topic in (select jsonb_array_elements_text($1::text::jsonb))`,
    [JSON.stringify(topics)],
  )
  return new Map(rows.map((r) => [r.topic, Number(r.partitions)]))
}
