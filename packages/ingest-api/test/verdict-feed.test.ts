import { TOPICS, uuidv7, type Verdict, type VerdictEnvelope } from '@anansi/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startVerdictFeed } from '../src/index.js'
import { headers, openHarness, type Harness } from './harness.js'

let h: Harness
beforeAll(async () => {
  h = await openHarness()
})
afterAll(async () => {
  await h.close()
})

describe('verdict feed', () => {
  it('wakes a long-poll when the processor publishes the verdict on the bus', async () => {
    const api = h.api()
    const errors: unknown[] = []
    const feed = await startVerdictFeed(h.bus, api.hub, 'test-replica', (e) => errors.push(e))
    try {
      const eventId = uuidv7()
      const pending = api.app.request(`/v1/events/${eventId}/verdict?wait=5000`, {
        headers: headers(h.keys.a.ingest),
      })
      const verdict: Verdict = {
        eventId,
        safe: true,
        action: 'allow',
        score: 0.01,
        evaluations: [],
        anomalies: [],
        decidedBy: 'remote',
        decidedAt: new Date().toISOString(),
        latencyMs: 3,
      }
      const envelope: VerdictEnvelope = { projectId: h.keys.a.projectId, verdict }
      const producer = h.bus.createProducer()
      await producer.send(TOPICS.verdicts, [
        { key: 'x', value: 'not json' },
        { key: h.keys.a.projectId, value: JSON.stringify(envelope) },
      ])
      await producer.close()
      const res = await pending
      expect(res.status).toBe(200)
      expect(((await res.json()) as Verdict).eventId).toBe(eventId)
      expect(errors).toHaveLength(1) // the unreadable message was reported, not fatal
    } finally {
      await feed.stop()
    }
  })
})
