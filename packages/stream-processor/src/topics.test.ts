import { PGlite } from '@electric-sql/pglite'
import { BusError, createEmbeddedBus, fromPglite } from '@anansi/bus'
import { describe, expect, it } from 'vitest'
import { ensureTopics } from './topics.js'

describe('ensureTopics', () => {
  it('creates missing topics, keeps existing ones, and refuses too few event partitions only when asked for more', async () => {
    const db = await PGlite.create()
    const bus = createEmbeddedBus({ client: fromPglite(db) })
    const topics = { events: 't.events', verdicts: 't.verdicts', eventsDeadLetter: 't.dlq' }
    try {
      await bus.admin.ensureTopics([{ topic: 't.verdicts', partitions: 1 }])
      await ensureTopics(bus, { topics, eventPartitions: 2 }) // verdicts keep their 1 partition
      await ensureTopics(bus, { topics }) // default 8 > 2, but not asked for explicitly
      const refused: unknown = await ensureTopics(bus, { topics, eventPartitions: 4 }).catch(
        (error: unknown) => error,
      )
      expect(refused).toBeInstanceOf(BusError)
      expect((refused as BusError).code).toBe('topic_mismatch')
      expect((await bus.admin.lag('g', 't.events')).length).toBe(2)
      expect((await bus.admin.lag('g', 't.verdicts')).length).toBe(1)
      expect((await bus.admin.lag('g', 't.dlq')).length).toBe(1)
    } finally {
      await bus.close()
      await db.close()
    }
  })
})
