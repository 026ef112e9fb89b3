import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  BUS_SCHEMA,
  createEmbeddedBus,
  type ConsumerOptions,
  type EmbeddedBus,
  type SqlClient,
} from '../src/index.js'
import { collect, recordingLogger, text, uniqueName, waitFor } from './helpers.js'

/** How to reach the database an embedded log runs on. */
export interface EmbeddedLogUnderTest {
  client(): Promise<SqlClient>
  consumer: Partial<ConsumerOptions>
}

/** What only the embedded log promises: its tables, gapless offsets, leases, fencing, retention. */
export function defineEmbeddedLogContract(database: string, target: EmbeddedLogUnderTest): void {
  describe(`embedded log: ${database}`, () => {
    let client: SqlClient
    let bus: EmbeddedBus
    const logger = recordingLogger()

    beforeAll(async () => {
      client = await target.client()
      bus = createEmbeddedBus({ client, logger, pollIntervalMs: 50 })
    })
    afterAll(async () => {
      await bus.close()
      await bus.close() // closing twice is safe
    })

    async function topic(partitions: number): Promise<string> {
      const name = uniqueName('t')
      await bus.admin.ensureTopics([{ topic: name, partitions }])
      return name
    }

    it('creates its schema idempotently, even from several buses at once', async () => {
      const others = [1, 2, 3].map(() => createEmbeddedBus({ client, logger }))
      await Promise.all(others.map((b) => b.ensureSchema()))
      await bus.ensureSchema()
      const tables = await client.query<{ table_name: string }>(
        `select table_name from information_schema.tables where table_schema = $1 order by 1`,
        [BUS_SCHEMA],
      )
      expect(tables.map((t) => t.table_name)).toEqual([
        'group_members',
        'group_offsets',
        'messages',
        'partition_leases',
        'partitions',
        'topics',
      ])
      await Promise.all(others.map((b) => b.close()))
    })

    it('assigns gapless offsets per partition under concurrent producers', async () => {
      const name = await topic(2)
      const producers = Array.from({ length: 5 }, () => bus.createProducer())
      await Promise.all(
        producers.map(async (p, n) => {
          for (let i = 0; i < 10; i++) {
            await p.send(name, [
              { key: `k${(n + i) % 7}`, value: `${n}:${i}:a` },
              { key: `k${(n * i) % 5}`, value: `${n}:${i}:b` },
            ])
          }
        }),
      )
      const rows = await client.query<{ partition: number; offsets: string }>(
        `select partition, string_agg("offset"::text, ',' order by "offset") as offsets
         from ${BUS_SCHEMA}.messages where topic = $1 group by partition order by partition`,
        [name],
      )
      let total = 0
      for (const row of rows) {
        const offsets = row.offsets.split(',').map(Number)
        expect(offsets).toEqual(offsets.map((_, i) => i))
        total += offsets.length
      }
      expect(total).toBe(100)
      await Promise.all(producers.map((p) => p.close()))
    })

    it('rejects a send to a topic that does not exist', async () => {
      await expect(
        bus.createProducer().send(uniqueName('missing'), [{ key: 'k', value: 'v' }]),
      ).rejects.toMatchObject({ name: 'BusError', code: 'unknown_topic', retriable: false })
    })

    it('takes over the partitions of a member that crashed once its lease expires', async () => {
      const name = await topic(2)
      const group = uniqueName('g')
      // A "crashed" member: registered, holding partition 0 and 1, never renewing again.
      await client.query(
        `insert into ${BUS_SCHEMA}.group_members (group_id, member_id, expires_at)
         values ($1, '~crashed', now() + interval '800 milliseconds')`,
        [group],
      )
      for (const partition of [0, 1]) {
        await client.query(
          `insert into ${BUS_SCHEMA}.partition_leases
             (group_id, topic, partition, owner, generation, expires_at)
           values ($1, $2, $3, '~crashed', 1, now() + interval '800 milliseconds')`,
          [group, name, partition],
        )
      }
      await bus.createProducer().send(name, [
        { key: 'a', value: 'x' },
        { key: 'b', value: 'y' },
        { key: 'c', value: 'z' },
      ])
      const survivor = bus.createConsumer({ ...target.consumer, groupId: group, topics: [name] })
      const seen = await collect(survivor, 'survivor')
      expect(survivor.assignment()).toEqual([])
      await waitFor(
        'the survivor to take both partitions',
        () => survivor.assignment().length === 2,
      )
      await waitFor('3 messages', () => seen.received.length === 3)
      expect(seen.values().sort()).toEqual(['x', 'y', 'z'])
      const leases = await client.query<{ owner: string; generation: string }>(
        `select owner, generation::text as generation from ${BUS_SCHEMA}.partition_leases
         where group_id = $1 order by partition`,
        [group],
      )
      expect(leases.map((l) => l.generation)).toEqual(['2', '2'])
      expect(leases.every((l) => l.owner !== '~crashed')).toBe(true)
      await survivor.stop()
    })

    it('lets a restarted member with the same instanceId take its partitions back at once', async () => {
      const name = await topic(2)
      const group = uniqueName('g')
      // What a kill -9 leaves behind: a live-looking member and leases good for another hour.
      await client.query(
        `insert into ${BUS_SCHEMA}.group_members (group_id, member_id, expires_at)
         values ($1, 'embedded', now() + interval '1 hour')`,
        [group],
      )
      for (const partition of [0, 1]) {
        await client.query(
          `insert into ${BUS_SCHEMA}.partition_leases
             (group_id, topic, partition, owner, generation, expires_at)
           values ($1, $2, $3, 'embedded', 7, now() + interval '1 hour')`,
          [group, name, partition],
        )
      }
      const restarted = bus.createConsumer({
        ...target.consumer,
        groupId: group,
        topics: [name],
        instanceId: 'embedded',
      })
      const seen = await collect(restarted, 'restarted')
      expect(restarted.assignment()).toHaveLength(2)
      expect(seen.assigned.flat()).toHaveLength(2)
      await restarted.stop()
      const left = await client.query<{ n: number }>(
        `select count(*)::integer as n from ${BUS_SCHEMA}.partition_leases where group_id = $1`,
        [group],
      )
      expect(left[0]?.n).toBe(0) // a clean stop gives the leases back
    })

    it('fences the commit of a member whose lease was taken, and revokes its partition', async () => {
      const name = await topic(1)
      const group = uniqueName('g')
      await bus.createProducer().send(name, [{ key: 'k', value: 'slow' }])
      let release: () => void = () => undefined
      const gate = new Promise<void>((resolve) => (release = resolve))
      let entered = false
      const member = bus.createConsumer({ ...target.consumer, groupId: group, topics: [name] })
      const seen = await collect(member, 'm', async () => {
        entered = true
        await gate
      })
      await waitFor('the handler to start', () => entered)
      // Another member takes the lease behind this one's back (as after an expiry).
      await client.query(
        `update ${BUS_SCHEMA}.partition_leases set owner = 'thief', generation = generation + 1,
           expires_at = now() + interval '1 hour' where group_id = $1`,
        [group],
      )
      release()
      await waitFor('the partition to be revoked', () => seen.revoked.length > 0)
      expect(seen.received.map(text)).toEqual(['slow'])
      const [lag] = await bus.admin.lag(group, name)
      expect(lag).toMatchObject({ committedOffset: null, lag: 1 })
      expect(member.assignment()).toEqual([])
      await member.stop()
      await client.query(`delete from ${BUS_SCHEMA}.partition_leases where group_id = $1`, [group])
    })

    it('deletes only messages every known group has committed past', async () => {
      const name = await topic(1)
      await bus.createProducer().send(
        name,
        Array.from({ length: 10 }, (_, i) => ({ key: 'k', value: `m${i}` })),
      )
      const slowGroup = uniqueName('slow')
      const fast = bus.createConsumer({
        ...target.consumer,
        groupId: uniqueName('fast'),
        topics: [name],
      })
      const slow = bus.createConsumer({ ...target.consumer, groupId: slowGroup, topics: [name] })
      let slowLimit = 4
      const f = await collect(fast, 'fast')
      const s = await collect(slow, 'slow', (m) => {
        if (Number(text(m).slice(1)) > slowLimit) throw new Error('later')
      })
      await waitFor(
        'fast done, slow at m4',
        () => f.received.length === 10 && s.received.length === 5,
      )
      await waitFor('slow committed m0..m4', async () => {
        const [lag] = await bus.admin.lag(slowGroup, name)
        return lag?.committedOffset === '5'
      })
      expect(await bus.deleteConsumed({ topics: [name], minAgeMs: 3_600_000 })).toBe(0)
      expect(await bus.deleteConsumed({ topics: [name] })).toBe(5)
      expect(await bus.deleteConsumed({ topics: [name] })).toBe(0)
      slowLimit = 99
      await waitFor('slow done', () => s.received.length === 10)
      await waitFor(
        'slow committed all',
        async () => (await bus.admin.lag(slowGroup, name))[0]?.lag === 0,
      )
      expect(await bus.deleteConsumed()).toBeGreaterThanOrEqual(5)
      const [left] = await client.query<{ n: number }>(
        `select count(*)::integer as n from ${BUS_SCHEMA}.messages where topic = $1`,
        [name],
      )
      expect(left?.n).toBe(0)
      // A new group starts at the oldest retained message: here, the end.
      const late = await collect(
        bus.createConsumer({ ...target.consumer, groupId: uniqueName('late'), topics: [name] }),
        'late',
      )
      await bus.createProducer().send(name, [{ key: 'k', value: 'm10' }])
      await waitFor('late sees m10', () => late.received.length === 1)
      expect(late.values()).toEqual(['m10'])
      await Promise.all([fast.stop(), slow.stop()])
    })

    it('wakes an idle consumer through LISTEN/NOTIFY instead of waiting for the next poll', async () => {
      const name = await topic(1)
      const slowPolling = createEmbeddedBus({ client, logger, pollIntervalMs: 30_000 })
      const member = slowPolling.createConsumer({
        ...target.consumer,
        heartbeatIntervalMs: 30_000,
        groupId: uniqueName('g'),
        topics: [name],
      })
      const seen = await collect(member, 'm')
      await new Promise((resolve) => setTimeout(resolve, 100)) // let the loop go idle
      const sent = Date.now()
      await bus.createProducer().send(name, [{ key: 'k', value: 'ping' }])
      await waitFor('the message', () => seen.received.length === 1, 5_000)
      expect(Date.now() - sent).toBeLessThan(5_000)
      await slowPolling.close()
    })
  })
}
