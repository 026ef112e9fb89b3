import { BUS_SCHEMA } from './schema.js'
import type { SqlExecutor } from './sql-client.js'

/** What `deleteConsumed` may delete. */
export interface RetentionOptions {
  /** Only these topics (default: all). */
  topics?: readonly string[]
  /** Keep messages younger than this, even if consumed (default 0). */
  minAgeMs?: number
}

/**
 * Deletes messages that every consumer group known for their topic has committed past. A group
 * that never committed on a partition holds it at its start; a topic no group ever consumed is
 * left alone. Returns the number of messages deleted.
 */
export async function deleteConsumed(
  db: SqlExecutor,
  options: RetentionOptions = {},
): Promise<number> {
  const rows = await db.query<{ deleted: string }>(
    `with groups as (
       select distinct group_id, topic from ${BUS_SCHEMA}.group_offsets
       where $1::text is null or topic in (select jsonb_array_elements_text($1::text::jsonb))
     ),
     floor as (
       select p.topic, p.partition, min(coalesce(o.committed, 0)) as upto
       from ${BUS_SCHEMA}.partitions p
       join groups g on g.topic = p.topic
       left join ${BUS_SCHEMA}.group_offsets o
         on o.group_id = g.group_id and o.topic = p.topic and o.partition = p.partition
       group by p.topic, p.partition
     ),
     deleted as (
       delete from ${BUS_SCHEMA}.messages m using floor f
       where m.topic = f.topic and m.partition = f.partition and m."offset" < f.upto
         and m.ts < now() - ($2::integer * interval '1 millisecond')
       returning 1
     )
     select count(*)::text as deleted from deleted`,
    [options.topics === undefined ? null : JSON.stringify(options.topics), options.minAgeMs ?? 0],
  )
  return Number(rows[0]?.deleted ?? 0)
}
