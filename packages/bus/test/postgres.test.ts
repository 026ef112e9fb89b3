import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serviceAddress } from '../../../tooling/test-services.js'
import { createEmbeddedBus, fromPostgresJs, type EmbeddedBus } from '../src/index.js'
import { defineBusContract } from './bus-contract.js'
import { defineEmbeddedLogContract } from './embedded-contract.js'
import { collect, recordingLogger, uniqueName, waitFor } from './helpers.js'

const serverUrl = serviceAddress('DATABASE_URL')
const consumer = { sessionTimeoutMs: 1_500, heartbeatIntervalMs: 100 }

describe.skipIf(serverUrl === undefined)('embedded log on a PostgreSQL server', () => {
  const base = serverUrl ?? ''
  const pools: postgres.Sql[] = []
  let admin: postgres.Sql
  let database = ''
  let url = ''

  /** A pool on the test database, closed when the file ends (each pool is like one process). */
  function pool(): postgres.Sql {
    const sql = postgres(url, { max: 4, onnotice: () => undefined })
    pools.push(sql)
    return sql
  }

  beforeAll(async () => {
    // A new, empty database per run: the log's DDL always starts from nothing.
    admin = postgres(base, { max: 1, onnotice: () => undefined })
    database = `anansi_bus_t_${randomBytes(6).toString('hex')}`
    await admin.unsafe(`create database ${database}`)
    const target = new URL(base)
    target.pathname = `/${database}`
    url = target.toString()
  })

  afterAll(async () => {
    await Promise.all(pools.map((sql) => sql.end({ timeout: 5 })))
    await admin.unsafe(`drop database if exists ${database} with (force)`)
    await admin.end()
  })

  const open = (): Promise<EmbeddedBus> =>
    Promise.resolve(
      createEmbeddedBus({
        client: fromPostgresJs(pool()),
        logger: recordingLogger(),
        pollIntervalMs: 50,
      }),
    )

  defineBusContract('embedded on a PostgreSQL server', { open, consumer })
  defineEmbeddedLogContract('PostgreSQL server', {
    client: () => Promise.resolve(fromPostgresJs(pool())),
    consumer,
  })

  it('splits a group across processes (separate pools) without ever sharing a partition', async () => {
    const buses = [await open(), await open(), await open()]
    const name = uniqueName('t')
    const group = uniqueName('g')
    await buses[0]?.admin.ensureTopics([{ topic: name, partitions: 6 }])
    const inFlight = new Set<number>()
    const overlaps: number[] = []
    const members = buses.map((bus) =>
      bus.createConsumer({ ...consumer, groupId: group, topics: [name] }),
    )
    const seen = await Promise.all(
      members.map((member, i) =>
        collect(member, `m${i}`, async (_, batch) => {
          if (inFlight.has(batch.partition)) overlaps.push(batch.partition)
          inFlight.add(batch.partition)
          await new Promise((resolve) => setTimeout(resolve, 2))
          inFlight.delete(batch.partition)
        }),
      ),
    )
    await waitFor('every member to own two partitions', () =>
      members.every((m) => m.assignment().length === 2),
    )
    const producer = buses[1]?.createProducer()
    for (let i = 0; i < 10; i++) {
      await producer?.send(
        name,
        Array.from({ length: 12 }, (_, k) => ({ key: `key-${k}`, value: `${i}` })),
      )
    }
    const total = (): number => seen.reduce((sum, s) => sum + s.received.length, 0)
    await waitFor('120 messages', () => total() >= 120)
    expect(total()).toBe(120)
    expect(overlaps).toEqual([])
    for (const s of seen) expect(s.received.length).toBeGreaterThan(0)
    await Promise.all(buses.map((bus) => bus.close()))
  })
})
