import type { SqlClient } from './sql-client.js'

/** The Postgres schema that holds the embedded log. */
export const BUS_SCHEMA = 'anansi_bus'

// Any constant works; it only has to be the same in every process that creates the schema.
const DDL_LOCK_ID = 7_151_948_214

/**
 * The log's tables. Offsets follow Kafka: a committed offset is the next one to read, and
 * `partitions.next_offset` is the end (the offset the next message gets).
 */
const DDL = [
  `create schema if not exists ${BUS_SCHEMA}`,
  `create table if not exists ${BUS_SCHEMA}.topics (
    topic text primary key,
    partitions integer not null check (partitions > 0),
    config jsonb not null default '{}'::jsonb,
    created_at timestamptz not null default now()
  )`,
  `create table if not exists ${BUS_SCHEMA}.partitions (
    topic text not null references ${BUS_SCHEMA}.topics (topic) on delete cascade,
    partition integer not null,
    next_offset bigint not null default 0,
    primary key (topic, partition)
  )`,
  `create table if not exists ${BUS_SCHEMA}.messages (
    topic text not null,
    partition integer not null,
    "offset" bigint not null,
    key text not null,
    value bytea not null,
    headers jsonb not null default '{}'::jsonb,
    ts timestamptz not null default now(),
    primary key (topic, partition, "offset")
  )`,
  `create table if not exists ${BUS_SCHEMA}.group_offsets (
    group_id text not null,
    topic text not null,
    partition integer not null,
    committed bigint not null,
    updated_at timestamptz not null default now(),
    primary key (group_id, topic, partition)
  )`,
  `create table if not exists ${BUS_SCHEMA}.group_members (
    group_id text not null,
    member_id text not null,
    expires_at timestamptz not null,
    primary key (group_id, member_id)
  )`,
  `create table if not exists ${BUS_SCHEMA}.partition_leases (
    group_id text not null,
    topic text not null,
    partition integer not null,
    owner text not null,
    generation bigint not null,
    expires_at timestamptz not null,
    primary key (group_id, topic, partition)
  )`,
]

/** Creates the schema and tables if missing; safe from several processes at once. */
export async function applySchema(client: SqlClient): Promise<void> {
  await client.transaction(async (tx) => {
    // Concurrent CREATE ... IF NOT EXISTS can still collide in the catalog; serialise them.
    await tx.query(`select pg_advisory_xact_lock(${DDL_LOCK_ID})`)
    for (const statement of DDL) await tx.query(statement)
  })
}
