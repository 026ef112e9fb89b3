import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { createKafkaBus, type KafkaBus } from '@anansi/bus'
import { uuidv7, verdictEnvelopeSchema, type LlmEvent } from '@anansi/protocol'
import { openStore, queryRows, type Store } from '@anansi/store'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serviceAddress } from '../../../tooling/test-services.js'
import { ensureTopics, type TopicNames } from '../src/index.js'
import { spawnProcessor, type ProcessorChild } from './child-process.js'
import { BENIGN_ANSWER, TOXIC_ANSWER, eventually, json, makeEvent, readTopic } from './fixtures.js'
import { publishEventsTo } from './publish.js'

const run = promisify(execFile)
const kafkaBrokers = serviceAddress('KAFKA_BROKERS')
const databaseUrl = serviceAddress('DATABASE_URL')
const MODELS = ['model-a', 'model-b', 'model-c', 'model-d', 'model-e', 'model-f']

/** A run's own topics, so tests never see each other's events on a shared broker. */
function freshTopics(): TopicNames {
  const prefix = `fault-${uuidv7()}`
  return {
    events: `${prefix}.events`,
    verdicts: `${prefix}.verdicts`,
    eventsDeadLetter: `${prefix}.events.dlq`,
  }
}

function eventsFor(count: number): LlmEvent[] {
  return Array.from({ length: count }, (_, i) =>
    makeEvent({
      model: { provider: 'openai', name: MODELS[i % MODELS.length] ?? 'model-a' },
      output: { type: 'text', text: i % 50 === 0 ? TOXIC_ANSWER : BENIGN_ANSWER },
      latencyMs: 100 + (i % 13),
    }),
  )
}

function perModelCounts(events: readonly LlmEvent[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const event of events) counts[event.model.name] = (counts[event.model.name] ?? 0) + 1
  return counts
}

describe.skipIf(kafkaBrokers === undefined || databaseUrl === undefined)(
  'processor faults against a real Kafka broker',
  () => {
    let store: Store
    let bus: KafkaBus
    const children: ProcessorChild[] = []

    /**
     * Stored verdicts and events, and `bad`: events whose evaluation set is missing or differs in
     * size from the others (every test event has an input and an output, so all get the same set).
     */
    const counts = async (projectId: string) => {
      const [row] = await queryRows<{ verdicts: number; events: number }>(
        store.db,
        sql`select
          (select count(*)::int from verdicts where project_id = ${projectId}) as verdicts,
          (select count(*)::int from events where project_id = ${projectId}) as events`,
      )
      const sets = await queryRows<{ n: number; events: number }>(
        store.db,
        sql`select n, count(*)::int as events from (
              select e.id, count(v.event_id)::int as n from events e
              left join evaluations v on v.project_id = e.project_id and v.event_id = e.id
              where e.project_id = ${projectId} group by e.id) per_event
            group by n order by events desc`,
      )
      const bad =
        sets.slice(1).reduce((sum, set) => sum + set.events, 0) +
        (sets[0]?.n === 0 ? (sets[0]?.events ?? 0) : 0)
      return { verdicts: row?.verdicts ?? 0, events: row?.events ?? 0, bad }
    }

    /** Latency detector samples per model: exact only if no event was counted twice or lost. */
    const latencySamples = async (projectId: string) => {
      const rows = await store.forProject(projectId).loadDetectorStates(MODELS)
      return Object.fromEntries(
        rows
          .filter((r) => r.metric === 'latency_ms' && r.method === 'zscore')
          .map((r) => [r.model, r.samples]),
      )
    }

    const start = (projectTopics: TopicNames, brokers = kafkaBrokers ?? '') =>
      spawnProcessor({
        DATABASE_URL: databaseUrl ?? '',
        KAFKA_BROKERS: brokers,
        PROCESSOR_GROUP: `group-${projectTopics.events}`,
        PROCESSOR_TOPIC_PREFIX: projectTopics.events.replace(/\.events$/, ''),
        PROCESSOR_PARTITIONS: '4',
        PROCESSOR_SESSION_TIMEOUT_MS: '6000',
      }).then((child) => {
        children.push(child)
        return child
      })

    const newProject = async () =>
      (await store.createProject({ name: 'faults', slug: `faults-${uuidv7()}` })).id

    beforeAll(async () => {
      store = await openStore({ driver: 'postgres', url: databaseUrl ?? '' })
      bus = createKafkaBus({ brokers: (kafkaBrokers ?? '').split(','), logLevel: 'error' })
    })

    afterAll(async () => {
      for (const child of children) if (child.child.exitCode === null) await child.kill9()
      await bus.close()
      await store.close()
    })

    it('kill -9 with 20,000 events in flight: after restart every event has exactly one evaluation set and one verdict, and the verdict topic has no gap', async () => {
      const topics = freshTopics()
      await ensureTopics(bus, { topics, eventPartitions: 4 })
      const projectId = await newProject()
      const events = eventsFor(20_000)
      await publishEventsTo(bus, topics.events, projectId, events)

      const first = await start(topics)
      expect(await eventually(() => first.stats().decided >= 2_000, 120_000)).toBe(true)
      await first.kill9()
      const killedAt = await counts(projectId)
      expect(killedAt.verdicts).toBeLessThan(20_000) // it really died mid-stream

      await start(topics)
      expect(
        await eventually(async () => (await counts(projectId)).verdicts >= 20_000, 240_000, 500),
      ).toBe(true)
      const final = await counts(projectId)
      expect(final).toEqual({ verdicts: 20_000, events: 20_000, bad: 0 })
      const perModel = await latencySamples(projectId)
      expect(perModel).toEqual(perModelCounts(events))

      // Verdicts re-published for events re-delivered after the crash come twice: read until
      // every event id has been seen, not merely 20,000 messages.
      const ids = new Set<string>()
      let parsed = 0
      const published = await readTopic(bus, topics.verdicts, 20_000, 60_000, (messages) => {
        for (; parsed < messages.length; parsed += 1) {
          const message = messages[parsed]
          if (message !== undefined)
            ids.add(verdictEnvelopeSchema.parse(json(message)).verdict.eventId)
        }
        return ids.size >= 20_000
      })
      expect(events.filter((e) => !ids.has(e.id))).toEqual([])
      console.info(
        `[faults] kill -9 at ${killedAt.verdicts} stored verdicts; verdict messages ${published.length} for 20,000 events (${published.length - ids.size} re-published after the crash)`,
      )
    }, 420_000)

    it('two processors in one group, one killed mid-stream: the other takes over its partitions and its detector state', async () => {
      const topics = freshTopics()
      await ensureTopics(bus, { topics, eventPartitions: 4 })
      const projectId = await newProject()
      const events = eventsFor(6_000)
      const first = await start(topics)
      const second = await start(topics)
      await publishEventsTo(bus, topics.events, projectId, events)
      expect(
        await eventually(
          () => first.stats().decided > 200 && second.stats().decided > 200,
          120_000,
        ),
      ).toBe(true)
      await first.kill9()
      const before = second.stats().decided
      expect(
        await eventually(async () => (await counts(projectId)).verdicts >= 6_000, 180_000, 500),
      ).toBe(true)
      expect(await counts(projectId)).toEqual({ verdicts: 6_000, events: 6_000, bad: 0 })
      expect(second.stats().decided).toBeGreaterThan(before) // it took over the dead member's work
      const perModel = await latencySamples(projectId)
      expect(perModel).toEqual(perModelCounts(events))
    }, 300_000)

    it('restarting the broker during processing: the processor recovers by itself', async () => {
      const port = 19_392
      const script = new URL('../../../infra/dev/kafka.sh', import.meta.url).pathname
      const broker = async (...args: string[]) =>
        (await run('bash', [script, ...args, '--port', String(port)], { timeout: 180_000 })).stdout
      await broker('start', '--controller-port', String(port + 1))
      const own = createKafkaBus({ brokers: [`127.0.0.1:${port}`], logLevel: 'error' })
      try {
        const topics = freshTopics()
        await ensureTopics(own, { topics, eventPartitions: 4 })
        const projectId = await newProject()
        const events = eventsFor(3_000)
        await publishEventsTo(own, topics.events, projectId, events)
        const processor = await start(topics, `127.0.0.1:${port}`)
        expect(await eventually(() => processor.stats().decided >= 300, 120_000)).toBe(true)
        await broker('stop')
        await new Promise((resolve) => setTimeout(resolve, 2_000))
        await broker('start', '--controller-port', String(port + 1))
        expect(
          await eventually(async () => (await counts(projectId)).verdicts >= 3_000, 180_000, 500),
        ).toBe(true)
        expect(await counts(projectId)).toEqual({ verdicts: 3_000, events: 3_000, bad: 0 })
        expect(processor.child.exitCode).toBeNull() // recovered in place, not restarted
      } finally {
        await own.close()
        await broker('stop')
      }
    }, 420_000)
  },
)
