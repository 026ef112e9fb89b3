import type { Bus } from '@anansi/bus'
import { EvaluatorSuite } from '@anansi/evaluator'
import { uuidv7 } from '@anansi/protocol'
import { queryRows, type Store } from '@anansi/store'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  deadLetterSchema,
  startStreamProcessor,
  type StreamProcessor,
  type TopicNames,
} from '../src/index.js'
import { eventually, json, makeEvent, readTopic } from './fixtures.js'
import { publishEventsTo } from './publish.js'

/** The bus and store one run of the contract uses; `close` releases both. */
export interface PipelineUnderTest {
  open(): Promise<{ bus: Bus; store: Store; close: () => Promise<void> }>
}

/** Topics of one test, so tests never see each other's events on a shared broker. */
function freshTopics(): TopicNames {
  const prefix = `pipeline-${uuidv7()}`
  return {
    events: `${prefix}.events`,
    verdicts: `${prefix}.verdicts`,
    eventsDeadLetter: `${prefix}.events.dlq`,
  }
}

/**
 * Re-delivery and dead letters, the same cases over every bus (the drizzle pattern: one suite,
 * many drivers). Each test runs its own processor on its own topics.
 */
export function definePipelineDeliveryContract(adapter: string, target: PipelineUnderTest): void {
  describe(`pipeline delivery: ${adapter}`, () => {
    let bus: Bus
    let store: Store
    let close: () => Promise<void>
    let suite: EvaluatorSuite
    const reported: unknown[] = []

    beforeAll(async () => {
      ;({ bus, store, close } = await target.open())
      suite = await EvaluatorSuite.load({ tiers: ['lexical'] })
    })
    afterAll(async () => {
      await suite.close()
      await close()
    })

    /** A fresh project, topics and processor for one test; stopped when `body` ends. */
    async function withProcessor(
      body: (run: {
        projectId: string
        topics: TopicNames
        processor: StreamProcessor
      }) => Promise<void>,
    ): Promise<void> {
      const topics = freshTopics()
      const { id: projectId } = await store.createProject({
        name: 'delivery',
        slug: `delivery-${uuidv7()}`,
      })
      const processor = await startStreamProcessor({
        store,
        bus,
        suite,
        topics,
        groupId: `pipeline-${uuidv7()}`,
        eventPartitions: 4,
        settingsTtlMs: 0,
        webhooks: false,
        report: (error) => reported.push(error),
      })
      try {
        await body({ projectId, topics, processor })
      } finally {
        await processor.stop()
      }
    }

    const count = async (table: 'events' | 'verdicts' | 'evaluations', projectId: string) => {
      const [row] = await queryRows<{ n: number }>(
        store.db,
        sql`select count(*)::int as n from ${sql.identifier(table)} where project_id = ${projectId}`,
      )
      return row?.n ?? 0
    }

    it('re-delivered events are re-published, never re-evaluated or stored twice', async () => {
      await withProcessor(async ({ projectId, topics, processor }) => {
        const events = Array.from({ length: 10 }, () => makeEvent())
        await publishEventsTo(bus, topics.events, projectId, events)
        expect(await eventually(async () => (await count('verdicts', projectId)) === 10)).toBe(true)
        // The stats count a batch once it is published and committed, a little after its rows are
        // stored: wait for them too, or the first batch would be counted as a re-delivery's work.
        expect(await eventually(() => processor.stats().decided === 10)).toBe(true)
        const evaluationsBefore = await count('evaluations', projectId)
        expect(evaluationsBefore).toBeGreaterThan(0)
        const before = processor.stats()
        await publishEventsTo(bus, topics.events, projectId, [...events, ...events]) // retried twice
        expect(await eventually(() => processor.stats().messages >= before.messages + 20)).toBe(
          true,
        )
        const after = processor.stats()
        expect(after.decided).toBe(before.decided)
        expect(after.redelivered - before.redelivered).toBeGreaterThanOrEqual(10)
        expect(await count('verdicts', projectId)).toBe(10)
        expect(await count('events', projectId)).toBe(10)
        expect(await count('evaluations', projectId)).toBe(evaluationsBefore)
        // Every copy is answered: 10 first verdicts, then at least one re-published per event.
        const verdicts = await readTopic(bus, topics.verdicts, 20)
        expect(verdicts.length).toBeGreaterThanOrEqual(20)
      })
    })

    it('dead-letters what it cannot decode or place, and the partition keeps flowing', async () => {
      await withProcessor(async ({ projectId, topics }) => {
        const producer = bus.createProducer()
        await producer.send(topics.events, [
          { key: `${projectId}:gpt-4o`, value: new Uint8Array([0xff, 0xfe, 0x00]) },
          {
            key: `${projectId}:gpt-4o`,
            value: JSON.stringify({ projectId, event: { id: 'nope' } }),
          },
        ])
        await producer.close()
        await publishEventsTo(bus, topics.events, '00000000-0000-4000-8000-000000000000', [
          makeEvent(),
        ])
        const after = makeEvent()
        await publishEventsTo(bus, topics.events, projectId, [after])
        expect(
          await eventually(
            async () => (await store.forProject(projectId).getVerdict(after.id)) !== undefined,
          ),
        ).toBe(true)
        const dead = (await readTopic(bus, topics.eventsDeadLetter, 3)).map((m) =>
          deadLetterSchema.parse(json(m)),
        )
        expect(dead.map((d) => d.reason).sort()).toEqual([
          'invalid_envelope',
          'unknown_project',
          'unreadable',
        ])
        const original = dead.find((d) => d.reason === 'unreadable')
        expect(Buffer.from(original?.value ?? '', 'base64')).toEqual(
          Buffer.from([0xff, 0xfe, 0x00]),
        )
        expect(original?.source.topic).toBe(topics.events)
      })
    })

    it('reports nothing unexpected', () => {
      expect(reported).toEqual([])
    })
  })
}
