import type { TopicPartition } from '../messages.js'
import { BUS_SCHEMA } from './schema.js'
import type { SqlExecutor } from './sql-client.js'

/** Who owns a partition for a group, and since which acquisition (the fencing token). */
export interface Lease extends TopicPartition {
  generation: string
}

const ttl = `($3::integer * interval '1 millisecond')`

/** Registers or renews a member; it counts as alive until `ttlMs` after its last renewal. */
export async function renewMember(
  db: SqlExecutor,
  groupId: string,
  memberId: string,
  ttlMs: number,
): Promise<void> {
  await db.query(
    `insert into ${BUS_SCHEMA}.group_members (group_id, member_id, expires_at)
     values ($1, $2, now() + ${ttl})
     on conflict (group_id, member_id) do update set expires_at = excluded.expires_at`,
    [groupId, memberId, ttlMs],
  )
}

/** Forgets expired members, then lists the live ones in a stable order. */
export async function liveMembers(db: SqlExecutor, groupId: string): Promise<string[]> {
  await db.query(
    `delete from ${BUS_SCHEMA}.group_members where group_id = $1 and expires_at < now()`,
    [groupId],
  )
  const rows = await db.query<{ member_id: string }>(
    `select member_id from ${BUS_SCHEMA}.group_members where group_id = $1 order by member_id`,
    [groupId],
  )
  return rows.map((r) => r.member_id)
}

/**
 * Takes a partition's lease if it is free, expired or already ours; each acquisition bumps the
 * generation, which fences commits of a member that lost the lease. Resolves to the generation,
 * or undefined while another live member holds it.
 */
export async function acquireLease(
  db: SqlExecutor,
  groupId: string,
  tp: TopicPartition,
  memberId: string,
  ttlMs: number,
): Promise<string | undefined> {
  const [row] = await db.query<{ generation: string }>(
    `insert into ${BUS_SCHEMA}.partition_leases (group_id, topic, partition, owner, generation, expires_at)
     values ($1, $4, $5, $2, 1, now() + ${ttl})
     on conflict (group_id, topic, partition) do update
       set owner = excluded.owner,
           generation = ${BUS_SCHEMA}.partition_leases.generation + 1,
           expires_at = excluded.expires_at
       where ${BUS_SCHEMA}.partition_leases.owner = excluded.owner
          or ${BUS_SCHEMA}.partition_leases.expires_at < now()
     returning generation::text as generation`,
    [groupId, memberId, ttlMs, tp.topic, tp.partition],
  )
  return row?.generation
}

/** Extends every lease the member still holds; returns them (a missing one was lost). */
export async function renewLeases(
  db: SqlExecutor,
  groupId: string,
  memberId: string,
  ttlMs: number,
): Promise<Lease[]> {
  const rows = await db.query<{ topic: string; partition: number; generation: string }>(
    `update ${BUS_SCHEMA}.partition_leases set expires_at = now() + ${ttl}
     where group_id = $1 and owner = $2
     returning topic, partition, generation::text as generation`,
    [groupId, memberId, ttlMs],
  )
  return rows.map((r) => ({
    topic: r.topic,
    partition: Number(r.partition),
    generation: r.generation,
  }))
}

/** Gives leases back so another member can take the partitions at once. */
export async function releaseLeases(
  db: SqlExecutor,
  groupId: string,
  memberId: string,
  partitions: readonly TopicPartition[],
): Promise<void> {
  for (const tp of partitions) {
    await db.query(
      `delete from ${BUS_SCHEMA}.partition_leases
       where group_id = $1 and owner = $2 and topic = $3 and partition = $4`,
      [groupId, memberId, tp.topic, tp.partition],
    )
  }
}

/** Removes a member and every lease it holds. */
export async function leaveGroup(
  db: SqlExecutor,
  groupId: string,
  memberId: string,
): Promise<void> {
  await db.query(`delete from ${BUS_SCHEMA}.partition_leases where group_id = $1 and owner = $2`, [
    groupId,
    memberId,
  ])
  await db.query(`delete from ${BUS_SCHEMA}.group_members where group_id = $1 and member_id = $2`, [
    groupId,
    memberId,
  ])
}

/**
 * Commits `next` (the next offset to read) for a partition, but only while `lease` is still this
 * member's: a member that lost its partition cannot move the group's position. False if fenced.
 */
export async function commitOffset(
  db: SqlExecutor,
  groupId: string,
  memberId: string,
  lease: Lease,
  next: bigint,
): Promise<boolean> {
  const rows = await db.query<{ committed: string }>(
    `insert into ${BUS_SCHEMA}.group_offsets (group_id, topic, partition, committed, updated_at)
     select $1::text, $3::text, $4::integer, $6::bigint, now()
     where exists (
       select 1 from ${BUS_SCHEMA}.partition_leases
       where group_id = $1 and topic = $3 and partition = $4 and owner = $2 and generation = $5::bigint
     )
     on conflict (group_id, topic, partition) do update
       set committed = excluded.committed, updated_at = excluded.updated_at
     returning committed::text as committed`,
    [groupId, memberId, lease.topic, lease.partition, lease.generation, next.toString()],
  )
  return rows.length > 0
}

/**
 * Where a member starts on a partition it just acquired: the group's committed offset, else the
 * oldest retained message (`earliest`) or the end (`latest`).
 */
export async function startOffset(
  db: SqlExecutor,
  groupId: string,
  tp: TopicPartition,
  startFrom: 'earliest' | 'latest',
): Promise<bigint> {
  const [row] = await db.query<{ start: string }>(
    `select coalesce(
       (select committed from ${BUS_SCHEMA}.group_offsets
        where group_id = $1 and topic = $2 and partition = $3),
       case when $4 = 'earliest' then (select min("offset") from ${BUS_SCHEMA}.messages
                                      where topic = $2 and partition = $3) end,
       (select next_offset from ${BUS_SCHEMA}.partitions where topic = $2 and partition = $3),
       0
     )::text as start`,
    [groupId, tp.topic, tp.partition, startFrom],
  )
  return BigInt(row?.start ?? '0')
}
