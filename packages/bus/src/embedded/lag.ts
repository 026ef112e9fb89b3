import type { PartitionLag } from '../messages.js'
import { BUS_SCHEMA } from './schema.js'
import type { SqlExecutor } from './sql-client.js'

/** The group's committed offset, the end offset and the lag of every partition of a topic. */
export async function groupLag(
  db: SqlExecutor,
  groupId: string,
  topic: string,
): Promise<PartitionLag[]> {
  const rows = await db.query<{
    partition: number
    committed: string | null
    end_offset: string
    lag: string
  }>(
    `select p.partition, o.committed::text as committed, p.next_offset::text as end_offset,
            (p.next_offset - coalesce(
               o.committed,
               (select min("offset") from ${BUS_SCHEMA}.messages m
                where m.topic = p.topic and m.partition = p.partition),
               p.next_offset))::text as lag
     from ${BUS_SCHEMA}.partitions p
     left join ${BUS_SCHEMA}.group_offsets o
       on o.group_id = $1 and o.topic = p.topic and o.partition = p.partition
     where p.topic = $2
     order by p.partition`,
    [groupId, topic],
  )
  return rows.map((r) => ({
    topic,
    partition: Number(r.partition),
    committedOffset: r.committed,
    endOffset: r.end_offset,
    lag: Number(r.lag),
  }))
}
