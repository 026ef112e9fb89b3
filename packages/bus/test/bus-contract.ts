import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  BusError,
  partitionForKey,
  type Bus,
  type Consumer,
  type ConsumerOptions,
  type Producer,
} from '../src/index.js'
import { collect, text, uniqueName, waitFor } from './helpers.js'

/** How to open one adapter, and the consumer timings that keep its tests fast. */
export interface BusUnderTest {
  open(): Promise<Bus>
  /** Short session and heartbeat settings for this adapter's consumers. */
  consumer: Partial<ConsumerOptions>
}

/**
 * The one behavioural suite every bus adapter must pass (the drizzle pattern: one suite, many
 * drivers). Each test uses its own topics and groups, so one bus serves the whole file.
 */
export function defineBusContract(adapter: string, target: BusUnderTest): void {
  describe(`bus contract: ${adapter}`, () => {
    let bus: Bus
    let producer: Producer
    const consumers: Consumer[] = []

    beforeAll(async () => {
      bus = await target.open()
      producer = bus.createProducer()
    })
    afterAll(async () => {
      await Promise.all(consumers.map((c) => c.stop()))
      await bus.close()
    })

    async function topic(partitions: number): Promise<string> {
      const name = uniqueName('t')
      await bus.admin.ensureTopics([{ topic: name, partitions }])
      return name
    }

    function consumer(groupId: string, topics: string[]): Consumer {
      const created = bus.createConsumer({ ...target.consumer, groupId, topics })
      consumers.push(created)
      return created
    }

    it('delivers every message, in order per key, on the partition Kafka would pick', async () => {
      const name = await topic(3)
      const keys = ['p1:gpt-4o', 'p1:claude', 'p2:gpt-4o', 'p3:llama', 'p4:x', 'p5:y']
      for (let round = 0; round < 4; round++) {
        await producer.send(
          name,
          keys.flatMap((key) => [0, 1].map((i) => ({ key, value: `${key}#${round * 2 + i}` }))),
        )
      }
      const seen = await collect(consumer(uniqueName('g'), [name]), 'a')
      await waitFor('48 messages', () => seen.received.length >= 48)
      expect(seen.received).toHaveLength(48)
      for (const key of keys) {
        const mine = seen.received.filter((m) => m.key === key)
        expect(mine.map(text)).toEqual(Array.from({ length: 8 }, (_, i) => `${key}#${i}`))
        for (const m of mine) expect(m.partition).toBe(partitionForKey(key, 3))
      }
      expect(seen.errors).toEqual([])
    })

    it('never loses a message that send() acknowledged, even once the producer is closed', async () => {
      const name = await topic(2)
      const own = bus.createProducer()
      const payloads = Array.from({ length: 20 }, (_, i) => new Uint8Array([0, i, 255, 10, i * 7]))
      await own.send(
        name,
        payloads.map((value, i) => ({ key: `k${i % 5}`, value, headers: { 'x-seq': String(i) } })),
      )
      await own.close()
      await own.close() // closing twice is safe
      await expect(own.send(name, [{ key: 'k', value: 'late' }])).rejects.toMatchObject({
        name: 'BusError',
        code: 'closed',
      })

      const seen = await collect(consumer(uniqueName('g'), [name]), 'a')
      await waitFor('20 messages', () => seen.received.length >= 20)
      const bySeq = new Map(seen.received.map((m) => [Number(m.headers['x-seq']), m]))
      expect(bySeq.size).toBe(20)
      for (const [i, value] of payloads.entries()) {
        const message = bySeq.get(i)
        expect(message?.value).toEqual(value)
        expect(message?.key).toBe(`k${i % 5}`)
        expect(typeof message?.offset).toBe('string')
        expect(Math.abs((message?.timestamp ?? 0) - Date.now())).toBeLessThan(60_000)
      }
    })

    it('redelivers from the message a handler failed on, having committed only what came before', async () => {
      const name = await topic(1)
      const group = uniqueName('g')
      await producer.send(
        name,
        Array.from({ length: 10 }, (_, i) => ({ key: 'same-key', value: `m${i}` })),
      )
      let failed = false
      const committedAtRetry: (string | null)[] = []
      const seen = await collect(consumer(group, [name]), 'a', async (message) => {
        if (text(message) !== 'm5') return
        if (!failed) {
          failed = true
          throw new Error('transient failure on m5')
        }
        const [lag] = await bus.admin.lag(group, name)
        committedAtRetry.push(lag?.committedOffset ?? null)
      })
      await waitFor('10 distinct messages', () => new Set(seen.values()).size >= 10)
      // m0..m4 once (committed before the retry), m5 twice (the failure, then success), then the rest.
      expect(seen.values()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9'])
      expect(committedAtRetry).toEqual([seen.received[5]?.offset])
      expect(seen.errors).toHaveLength(1)
      expect(seen.errors[0]).toBeInstanceOf(BusError)
      expect(seen.errors[0]).toMatchObject({ code: 'handler_failed', retriable: true })
      expect((seen.errors[0]?.cause as Error).message).toBe('transient failure on m5')
      await waitFor('all committed', async () => (await bus.admin.lag(group, name))[0]?.lag === 0)
    })

    it('resumes after stop from the committed offset, with no loss and no duplicates', async () => {
      const name = await topic(2)
      const group = uniqueName('g')
      const keyOf = (i: number): string => `key-${i % 4}`
      await producer.send(
        name,
        Array.from({ length: 12 }, (_, i) => ({ key: keyOf(i), value: `v${i}` })),
      )
      // The first member processes v0..v7 and fails (for good) on each later message.
      const first = consumer(group, [name])
      const a = await collect(first, 'a', (message) => {
        if (Number(text(message).slice(1)) >= 8) throw new Error('not now')
      })
      await waitFor(
        'v0..v7 processed and the tail failed',
        () => a.received.length >= 8 && a.errors.length >= 2,
      )
      await first.stop()
      await first.stop() // stopping twice is safe

      await producer.send(
        name,
        Array.from({ length: 4 }, (_, i) => ({ key: keyOf(12 + i), value: `v${12 + i}` })),
      )
      const b = await collect(consumer(group, [name]), 'b')
      await waitFor('v8..v15 after the restart', () => b.received.length >= 8)
      expect(a.values().sort()).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7'])
      expect(b.values().sort()).toEqual(['v10', 'v11', 'v12', 'v13', 'v14', 'v15', 'v8', 'v9'])
      await waitFor('lag 0', async () =>
        (await bus.admin.lag(group, name)).every((p) => p.lag === 0),
      )
      expect(b.received).toHaveLength(8)
    })

    it('splits partitions between two members and hands them over when one stops', async () => {
      const name = await topic(4)
      const group = uniqueName('g')
      const inFlight = new Map<number, string>()
      const overlaps: string[] = []
      const track = async (who: string, partition: number): Promise<void> => {
        const other = inFlight.get(partition)
        if (other !== undefined && other !== who)
          overlaps.push(`${who} and ${other} on ${partition}`)
        inFlight.set(partition, who)
        await new Promise((resolve) => setTimeout(resolve, 1))
        inFlight.delete(partition)
      }
      const first = consumer(group, [name])
      const second = consumer(group, [name])
      const a = await collect(first, 'a', (_, batch) => track('a', batch.partition))
      const b = await collect(second, 'b', (_, batch) => track('b', batch.partition))
      await waitFor(
        'both members own partitions',
        () =>
          first.assignment().length > 0 &&
          second.assignment().length > 0 &&
          first.assignment().length + second.assignment().length === 4,
      )
      const ownedBy = (c: Consumer): number[] =>
        c
          .assignment()
          .map((tp) => tp.partition)
          .sort()
      expect([...ownedBy(first), ...ownedBy(second)].sort()).toEqual([0, 1, 2, 3])
      const secondsPartitions = ownedBy(second)

      const keys = Array.from({ length: 24 }, (_, i) => `key-${i}`)
      await producer.send(
        name,
        keys.map((key) => ({ key, value: `before:${key}` })),
      )
      await waitFor('24 messages', () => a.received.length + b.received.length >= 24)
      for (const m of [...a.received, ...b.received]) {
        expect(m.by === 'b').toBe(secondsPartitions.includes(m.partition))
      }

      await second.stop()
      await waitFor('the first member owns every partition', () => first.assignment().length === 4)
      const gained = a.assigned.flat().map((tp) => tp.partition)
      for (const p of secondsPartitions) expect(gained).toContain(p)
      expect(
        b.revoked
          .flat()
          .map((tp) => tp.partition)
          .sort(),
      ).toEqual(expect.arrayContaining(secondsPartitions))
      await producer.send(
        name,
        keys.map((key) => ({ key, value: `after:${key}` })),
      )
      await waitFor('24 more', () => a.values().filter((v) => v.startsWith('after:')).length >= 24)
      expect(b.values().filter((v) => v.startsWith('after:'))).toEqual([])
      expect(overlaps).toEqual([])
      expect([...a.errors, ...b.errors]).toEqual([])
    })

    it('handles up to partitionConcurrency partitions at once, each one batch at a time in key order', async () => {
      const partitions = 4
      const name = await topic(partitions)
      // Two keys on every partition, ten messages each, all on the log before anyone consumes.
      const keys: string[] = []
      for (let i = 0; keys.length < 2 * partitions; i++) {
        const key = `key-${i}`
        if (
          keys.filter((k) => partitionForKey(k, partitions) === partitionForKey(key, partitions))
            .length < 2
        )
          keys.push(key)
      }
      const perKey = 10
      for (let seq = 0; seq < perKey; seq++)
        await producer.send(
          name,
          keys.map((key) => ({ key, value: `${key}#${seq}` })),
        )

      const run = async (partitionConcurrency: number | undefined) => {
        const member = bus.createConsumer({
          ...target.consumer,
          groupId: uniqueName('g'),
          topics: [name],
          maxBatchSize: 5, // embedded: several batches per partition (Kafka batches by bytes)
          ...(partitionConcurrency === undefined ? {} : { partitionConcurrency }),
        })
        consumers.push(member)
        const inFlight = new Set<number>()
        const seen: { key: string; value: string }[] = []
        const errors: unknown[] = []
        let most = 0
        let overlapped = false
        await member.run({
          eachBatch: async (batch) => {
            if (inFlight.has(batch.partition)) overlapped = true
            inFlight.add(batch.partition)
            most = Math.max(most, inFlight.size)
            for (const m of batch.messages) seen.push({ key: m.key, value: text(m) })
            await new Promise((resolve) => setTimeout(resolve, 60))
            inFlight.delete(batch.partition)
          },
          onError: (error) => {
            errors.push(error)
          },
        })
        await waitFor(
          `${keys.length * perKey} messages`,
          () => seen.length >= keys.length * perKey,
          20_000,
        )
        await member.stop()
        return { most, overlapped, seen, errors }
      }

      const concurrent = await run(4)
      expect(concurrent.most).toBeGreaterThan(1)
      expect(concurrent.most).toBeLessThanOrEqual(4)
      expect(concurrent.overlapped).toBe(false)
      expect(concurrent.errors).toEqual([])
      expect(concurrent.seen).toHaveLength(keys.length * perKey)
      for (const key of keys)
        expect(concurrent.seen.filter((m) => m.key === key).map((m) => m.value)).toEqual(
          Array.from({ length: perKey }, (_, seq) => `${key}#${seq}`),
        )
      // The default is one partition at a time: the same measurement then never sees two.
      const serial = await run(undefined)
      expect(serial.most).toBe(1)
      expect(serial.seen).toHaveLength(keys.length * perKey)
    })

    it('creates topics idempotently and refuses to silently shrink or grow one', async () => {
      const name = uniqueName('t')
      await bus.admin.ensureTopics([{ topic: name, partitions: 3 }])
      await bus.admin.ensureTopics([{ topic: name, partitions: 3 }])
      await bus.admin.ensureTopics([{ topic: name, partitions: 2 }]) // existing has more: fine
      await expect(bus.admin.ensureTopics([{ topic: name, partitions: 5 }])).rejects.toMatchObject({
        name: 'BusError',
        code: 'topic_mismatch',
        retriable: false,
      })
      await expect(
        bus.admin.ensureTopics([{ topic: 'bad topic name!', partitions: 1 }]),
      ).rejects.toMatchObject({ code: 'invalid_argument' })
      const lag = await bus.admin.lag(uniqueName('g'), name)
      expect(lag.map((p) => [p.partition, p.endOffset, p.committedOffset, p.lag])).toEqual([
        [0, '0', null, 0],
        [1, '0', null, 0],
        [2, '0', null, 0],
      ])
    })

    it('keeps each producer’s per-key order under random interleavings (property)', async () => {
      const name = await topic(3)
      const seen = await collect(consumer(uniqueName('g'), [name]), 'a')
      const producers = [producer, bus.createProducer(), bus.createProducer()]
      let run = 0
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              producer: fc.integer({ min: 0, max: 2 }),
              key: fc.integer({ min: 0, max: 3 }),
              count: fc.integer({ min: 1, max: 3 }),
            }),
            { minLength: 1, maxLength: 12 },
          ),
          async (sends) => {
            run += 1
            const next = new Map<string, number>()
            const plans = producers.map((_, p) =>
              sends
                .filter((s) => s.producer === p)
                .map((s) =>
                  Array.from({ length: s.count }, () => {
                    const stream = `r${run}/p${p}/k${s.key}`
                    const seq = next.get(stream) ?? 0
                    next.set(stream, seq + 1)
                    return { key: `r${run}-k${s.key}`, value: `${stream}#${seq}` }
                  }),
                ),
            )
            // Producers run concurrently; each awaits its own sends one after another.
            await Promise.all(
              plans.map(async (plan, p) => {
                for (const messages of plan) await producers[p]?.send(name, messages)
              }),
            )
            const total = [...next.values()].reduce((sum, n) => sum + n, 0)
            const mine = (): string[] => seen.values().filter((v) => v.startsWith(`r${run}/`))
            await waitFor(`${total} messages of run ${run}`, () => mine().length >= total)
            const order = new Map<string, number>()
            for (const value of mine()) {
              const [stream = '', seq = ''] = value.split('#')
              expect(Number(seq), value).toBe(order.get(stream) ?? 0)
              order.set(stream, Number(seq) + 1)
            }
            expect(mine()).toHaveLength(total)
          },
        ),
        { numRuns: 6 },
      )
      await Promise.all(producers.slice(1).map((p) => p.close()))
      expect(seen.errors).toEqual([])
    })
  })
}
