import { toBytes } from '../encoding.js'
import type { OutgoingMessage } from '../messages.js'
import { partitionForKey } from '../partitioner.js'
import { BUS_SCHEMA } from './schema.js'
import type { SqlExecutor } from './sql-client.js'

/** The NOTIFY channel a send signals (payload: the topic), so idle consumers wake at once. */
export const NOTIFY_CHANNEL = 'anansi_bus'

// Three parameters per message keeps one statement far below Postgres's 65,535-parameter limit.
const ROWS_PER_STATEMENT = 1_000

/**
 * Appends messages inside the caller's transaction. Per partition (in a fixed order, so concurrent
 * producers cannot deadlock) it reserves a range of offsets by bumping `next_offset`, which row-locks
 * the partition until commit: offsets are gapless and become visible in order.
 */
export async function appendMessages(
  tx: SqlExecutor,
  topic: string,
  partitions: number,
  messages: readonly OutgoingMessage[],
): Promise<void> {
  const byPartition = new Map<number, OutgoingMessage[]>()
  for (const message of messages) {
    const partition = partitionForKey(message.key, partitions)
    const list = byPartition.get(partition) ?? []
    list.push(message)
    byPartition.set(partition, list)
  }
  for (const partition of [...byPartition.keys()].sort((a, b) => a - b)) {
    const list = byPartition.get(partition) ?? []
    const first = await reserveOffsets(tx, topic, partition, list.length)
    for (let start = 0; start < list.length; start += ROWS_PER_STATEMENT) {
      const chunk = list.slice(start, start + ROWS_PER_STATEMENT)
      await insertRows(tx, topic, partition, first + BigInt(start), chunk)
    }
  }
  await tx.query(`select pg_notify($1, $2)`, [NOTIFY_CHANNEL, topic])
}

async function reserveOffsets(
  tx: SqlExecutor,
  topic: string,
  partition: number,
  count: number,
): Promise<bigint> {
  const [row] = await tx.query<{ first: string }>(
    `update ${BUS_SCHEMA}.partitions set next_offset = next_offset + $3::integer
     where topic = $1 and partition = $2
     returning (next_offset - $3::integer)::text as first`,
    [topic, partition, count],
  )
  if (row === undefined) throw new Error(`partition ${partition} of topic ${topic} is missing`)
  return BigInt(row.first)
}

async function insertRows(
  tx: SqlExecutor,
  topic: string,
  partition: number,
  first: bigint,
  rows: readonly OutgoingMessage[],
): Promise<void> {
  const params: unknown[] = [topic, partition, first.toString()]
  const values = rows.map((message, i) => {
    const base = params.length
    params.push(message.key, toBytes(message.value), JSON.stringify(message.headers ?? {}))
    // `i` is our own integer, so inlining it is safe and saves a parameter per row.
    return `($1, $2, $3::bigint + ${i}, $${base + 1}, $${base + 2}, $${base + 3}::text::jsonb)`
  })
  await tx.query(
    `insert into ${BUS_SCHEMA}.messages (topic, partition, "offset", key, value, headers)
     values ${values.join(', ')}`,
    params,
  )
}
