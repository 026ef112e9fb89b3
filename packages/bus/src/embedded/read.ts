import { asUint8Array } from '../encoding.js'
import type { ConsumedMessage, TopicPartition } from '../messages.js'
import { BUS_SCHEMA } from './schema.js'
import type { SqlExecutor } from './sql-client.js'

/** The end offset (next offset to be written) of every partition of a topic. */
export async function endOffsets(db: SqlExecutor, topic: string): Promise<Map<number, bigint>> {
  const rows = await db.query<{ partition: number; next_offset: string }>(
    `select partition, next_offset::text as next_offset from ${BUS_SCHEMA}.partitions where topic = $1`,
    [topic],
  )
  return new Map(rows.map((r) => [Number(r.partition), BigInt(r.next_offset)]))
}

/** Up to `max` messages of a partition from offset `from` on, oldest first. */
export async function readBatch(
  db: SqlExecutor,
  tp: TopicPartition,
  from: bigint,
  max: number,
): Promise<ConsumedMessage[]> {
  const rows = await db.query<{
    message_offset: string
    key: string
    value: Uint8Array
    headers: string
    ts: string
  }>(
    // Not aliased as "offset": ORDER BY would then sort the text column.
    `select m."offset"::text as message_offset, m.key, m.value, m.headers::text as headers,
            floor(extract(epoch from m.ts) * 1000)::text as ts
     from ${BUS_SCHEMA}.messages m
     where m.topic = $1 and m.partition = $2 and m."offset" >= $3::bigint
     order by m."offset"
     limit $4::integer`,
    [tp.topic, tp.partition, from.toString(), max],
  )
  return rows.map((r) => ({
    offset: r.message_offset,
    key: r.key,
    value: asUint8Array(r.value),
    headers: parseHeaders(r.headers),
    timestamp: Number(r.ts),
  }))
}

function parseHeaders(text: string): Record<string, string> {
  const parsed: unknown = JSON.parse(text)
  const headers: Record<string, string> = {}
  if (typeof parsed === 'object' && parsed !== null) {
    for (const [name, value] of Object.entries(parsed)) headers[name] = String(value)
  }
  return headers
}
