/**
 * kill -9 the server while clients send batches: every event whose batch was answered 2xx is on the
 * bus after a restart. The server runs as its own process (scripts/serve-stack.ts) so it can really
 * be SIGKILLed; the test reads the log afterwards through a consumer group of its own.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { createEmbeddedBus, createKafkaBus, fromPglite, type PartitionLag } from '@anansi/bus'
import { TOPICS, uuidv7 } from '@anansi/protocol'
import { Kafka, logLevel } from 'kafkajs'
import { afterEach, describe, expect, it } from 'vitest'
import { serviceAddress } from '../../../tooling/test-services.js'
import {
  exitOf,
  killHard,
  newBatch,
  postBatch,
  readEventIds,
  sendUntilKilled,
  startIngestProcess,
  type CrashLoad,
  type IngestProcess,
} from './fixtures/crash-harness.js'

const KAFKA_BROKERS = serviceAddress('KAFKA_BROKERS')
const DATABASE_URL = serviceAddress('DATABASE_URL')

const CLIENTS = 4
const BATCH_SIZE = 25
const KILL_AFTER_BATCHES = 40

const running: IngestProcess[] = []
const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const server of running.splice(0)) await killHard(server)
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function start(args: string[]): Promise<IngestProcess> {
  const server = await startIngestProcess(args)
  running.push(server)
  return server
}

/** What a crash-and-restart run acknowledged, for checking against the log. */
interface CrashRun {
  projectId: string
  /** Every event id some 2xx answer covered: before the kill, retried after it, and the new batch. */
  acked: Set<string>
  load: CrashLoad
  /** Seconds per phase, for the log. */
  phases: Record<string, number>
}

/** Measures phases of a run in seconds. */
function stopwatch(): { phases: Record<string, number>; lap(name: string): void } {
  const phases: Record<string, number> = {}
  let last = performance.now()
  return {
    phases,
    lap(name) {
      const now = performance.now()
      phases[name] = Math.round((now - last) / 100) / 10
      last = now
    },
  }
}

/**
 * Starts the server, kills it with SIGKILL under load from concurrent clients, restarts it on the
 * same data, retries the batches that got no answer (as an SDK does), sends a new batch, and kills
 * the restarted server too.
 */
async function crashAndRestart(args: string[]): Promise<CrashRun> {
  const clock = stopwatch()
  const first = await start(args)
  clock.lap('start')
  const apiKey = first.apiKey
  if (apiKey === null) throw new Error('the first start must create the project and its key')
  const load = await sendUntilKilled({
    url: first.url,
    apiKey,
    clients: CLIENTS,
    batchSize: BATCH_SIZE,
    killAfter: KILL_AFTER_BATCHES,
    kill: () => process.kill(first.pid, 'SIGKILL'),
  })
  await exitOf(first)
  clock.lap('load until kill -9')
  expect(first.child.signalCode).toBe('SIGKILL')
  expect(load.failures).toEqual([])
  expect(load.ackedBatches).toBeGreaterThanOrEqual(KILL_AFTER_BATCHES)

  // The restart must succeed on the data the killed process left behind.
  const second = await start(args)
  expect(second.projectId).toBe(first.projectId)
  clock.lap('restart')
  const acked = new Set(load.acked)
  for (const batch of load.unanswered) {
    expect(await postBatch(second.url, apiKey, batch)).toMatchObject({
      answered: true,
      status: 202,
    })
    for (const id of batch.ids) acked.add(id)
  }
  const fresh = newBatch(10)
  expect(await postBatch(second.url, apiKey, fresh)).toEqual({
    answered: true,
    status: 202,
    accepted: 10,
    duplicates: 0,
  })
  for (const id of fresh.ids) acked.add(id)
  await killHard(second)
  clock.lap('retries and new batch')
  return { projectId: first.projectId, acked, load, phases: clock.phases }
}

/** No acknowledged event may be missing; duplicates are allowed (the processor dedupes by id). */
function expectNothingLost(
  name: string,
  run: CrashRun,
  onBus: Map<string, number>,
  readSeconds: number,
): void {
  const lost = [...run.acked].filter((id) => !onBus.has(id))
  const duplicates = [...onBus.values()].reduce((sum, copies) => sum + copies - 1, 0)
  console.log(
    `[durability] ${name}: ${run.load.acked.size} events in ${run.load.ackedBatches} batches acknowledged ` +
      `before kill -9 (${run.load.inFlightAtKill} requests in flight), ${run.load.unanswered.length} ` +
      `unanswered batches retried after the restart; ${run.acked.size} acknowledged in all, ` +
      `${onBus.size} distinct on the bus, lost ${lost.length}, duplicates ${duplicates}; seconds: ` +
      JSON.stringify({ ...run.phases, 'read the log': readSeconds }),
  )
  expect(lost).toEqual([])
}

describe('kill -9 durability', () => {
  it('embedded log on a PGlite data dir: no acknowledged event is lost and the data dir reopens', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anansi-durability-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const run = await crashAndRestart(['--bus', 'pglite', '--data-dir', dir, '--partitions', '4'])

    // PGlite is single-process: only now that no server runs may this process open the data dir.
    const reading = performance.now()
    const db = await PGlite.create({ dataDir: join(dir, 'bus') })
    const bus = createEmbeddedBus({ client: fromPglite(db), pollIntervalMs: 20 })
    cleanups.push(async () => {
      await bus.close()
      await db.close()
    })
    const onBus = await readEventIds(bus, `durability-${uuidv7()}`, run.projectId)
    expectNothingLost('embedded log on PGlite', run, onBus, seconds(reading))
  }, 90_000)

  it.skipIf(KAFKA_BROKERS === undefined || DATABASE_URL === undefined)(
    'Kafka with the store on PostgreSQL: no acknowledged event is lost',
    async () => {
      const brokersList = (KAFKA_BROKERS ?? '').split(',')
      const bus = createKafkaBus({ brokers: brokersList, clientId: 'anansi-durability-test' })
      cleanups.push(() => bus.close())
      await bus.admin.ensureTopics([
        { topic: TOPICS.events, partitions: 8 },
        { topic: TOPICS.verdicts, partitions: 1 },
      ])
      // The shared dev broker's anansi.events may hold millions of benchmark events, so the reading
      // group is a fresh one positioned where the topic ends before this test's servers write.
      const groupId = `durability-${uuidv7()}`
      await positionGroup(brokersList, groupId, await bus.admin.lag(groupId, TOPICS.events))

      const run = await crashAndRestart([
        '--bus',
        'kafka',
        '--brokers',
        KAFKA_BROKERS ?? '',
        '--database-url',
        DATABASE_URL ?? '',
        '--project',
        `durability-${uuidv7()}`,
      ])
      const reading = performance.now()
      const onBus = await readEventIds(bus, groupId, run.projectId)
      expectNothingLost('Kafka + PostgreSQL', run, onBus, seconds(reading))
    },
    90_000,
  )
})

function seconds(since: number): number {
  return Math.round((performance.now() - since) / 100) / 10
}

/** Commits `groupId`'s offsets at the given end offsets, so it reads only what comes after. */
async function positionGroup(
  brokers: string[],
  groupId: string,
  ends: PartitionLag[],
): Promise<void> {
  const admin = new Kafka({ brokers, logLevel: logLevel.WARN }).admin()
  await admin.connect()
  try {
    await admin.setOffsets({
      groupId,
      topic: TOPICS.events,
      partitions: ends.map((p) => ({ partition: p.partition, offset: p.endOffset })),
    })
  } finally {
    await admin.disconnect()
  }
}
