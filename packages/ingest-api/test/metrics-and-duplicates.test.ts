import { TOPICS, uuidv7, type LlmEvent } from '@anansi/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { IngestApi } from '../src/index.js'
import { headers, openHarness, type Harness } from './harness.js'

let h: Harness
beforeAll(async () => {
  h = await openHarness()
})
afterAll(async () => {
  await h.close()
})

const event = (id = uuidv7()): LlmEvent => ({
  id,
  timestamp: new Date().toISOString(),
  model: { provider: 'openai', name: 'gpt-4o' },
  category: 'chatbot',
  input: { type: 'text', text: 'hi' },
  status: 'ok',
})

const send = (api: IngestApi, events: unknown[]) =>
  api.app.request('/v1/events', {
    method: 'POST',
    headers: headers(h.keys.a.ingest),
    body: JSON.stringify({ events }),
  })

/** The sum of a metric's samples whose labels include every given `name="value"`. */
async function sample(api: IngestApi, name: string, labels: string[] = []): Promise<number> {
  const text = await (await api.app.request('/metrics')).text()
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .filter((line) => labels.every((label) => line.includes(label)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0)
}

/** How often each event id is on the events topic, read by a fresh consumer group. */
async function countsOnBus(ids: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  // A sentinel sent last: once it is read, everything published before it was read too.
  const sentinel = uuidv7()
  await send(h.api(), [event(sentinel)])
  const consumer = h.bus.createConsumer({ groupId: `count-${uuidv7()}`, topics: [TOPICS.events] })
  let done = false
  await consumer.run({
    eachBatch: async ({ messages }) => {
      for (const m of messages) {
        const id = m.headers['event-id'] ?? ''
        if (id === sentinel) done = true
        if (ids.includes(id)) counts.set(id, (counts.get(id) ?? 0) + 1)
      }
      await Promise.resolve()
    },
  })
  const deadline = Date.now() + 5000
  while (!done && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
  await consumer.stop()
  expect(done).toBe(true)
  return counts
}

describe('/metrics', () => {
  it('counts requests, times them, and records batch sizes and per-event outcomes', async () => {
    const api = h.api()
    const counters = async () => ({
      requests202: await sample(api, 'anansi_ingest_requests_total', [
        'route="/v1/events"',
        'status="202"',
      ]),
      requests207: await sample(api, 'anansi_ingest_requests_total', [
        'route="/v1/events"',
        'status="207"',
      ]),
      latencyCount: await sample(api, 'anansi_ingest_request_duration_seconds_count', [
        'route="/v1/events"',
      ]),
      latencySum: await sample(api, 'anansi_ingest_request_duration_seconds_sum', [
        'route="/v1/events"',
      ]),
      slowBucket: await sample(api, 'anansi_ingest_request_duration_seconds_bucket', [
        'route="/v1/events"',
        'le="+Inf"',
      ]),
      batches: await sample(api, 'anansi_ingest_batch_events_count'),
      batchEvents: await sample(api, 'anansi_ingest_batch_events_sum'),
      batchesUpTo10: await sample(api, 'anansi_ingest_batch_events_bucket', ['le="10"']),
      accepted: await sample(api, 'anansi_ingest_events_total', ['result="accepted"']),
      duplicate: await sample(api, 'anansi_ingest_events_total', ['result="duplicate"']),
      rejected: await sample(api, 'anansi_ingest_events_total', ['result="rejected"']),
    })
    const before = await counters()
    const repeated = event()
    expect((await send(api, [event(), repeated])).status).toBe(202)
    expect((await send(api, [repeated, { id: 'no' }, event(), event()])).status).toBe(207)
    const after = await counters()
    expect({
      requests202: after.requests202 - before.requests202,
      requests207: after.requests207 - before.requests207,
      latencyCount: after.latencyCount - before.latencyCount,
      slowBucket: after.slowBucket - before.slowBucket,
      batches: after.batches - before.batches,
      batchEvents: after.batchEvents - before.batchEvents,
      batchesUpTo10: after.batchesUpTo10 - before.batchesUpTo10,
      accepted: after.accepted - before.accepted,
      duplicate: after.duplicate - before.duplicate,
      rejected: after.rejected - before.rejected,
    }).toEqual({
      requests202: 1,
      requests207: 1,
      latencyCount: 2,
      slowBucket: 2,
      batches: 2,
      batchEvents: 6,
      batchesUpTo10: 2,
      accepted: 4,
      duplicate: 1,
      rejected: 1,
    })
    expect(after.latencySum).toBeGreaterThan(before.latencySum)
  })
})

describe('duplicates', () => {
  it('are kept off the bus: an id sent again, in any case, in the same or a later batch, is published once', async () => {
    const api = h.api()
    const id = uuidv7()
    const within = uuidv7()
    expect((await send(api, [event(id), event(within), event(within)])).status).toBe(202)
    expect((await send(api, [event(id.toUpperCase()), event(id)])).status).toBe(202)
    // A second replica (its own recent-id memory) knows the id once the store has the event.
    await h.store.forProject(h.keys.a.projectId).insertEvents([event(id)])
    expect((await send(h.api(), [event(id)])).status).toBe(202)
    const counts = await countsOnBus([id, within])
    expect(Object.fromEntries(counts)).toEqual({ [id]: 1, [within]: 1 })
  })
})
