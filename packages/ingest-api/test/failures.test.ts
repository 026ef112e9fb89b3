import type { Bus } from '@anansi/bus'
import { errorBodySchema, uuidv7 } from '@anansi/protocol'
import type { Store } from '@anansi/store'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { headers, openHarness, type Harness } from './harness.js'

let h: Harness
beforeAll(async () => {
  h = await openHarness()
})
afterAll(async () => {
  await h.close()
})

const event = () => ({
  id: uuidv7(),
  timestamp: new Date().toISOString(),
  model: { provider: 'openai', name: 'gpt-4o' },
  category: 'chatbot',
  input: { type: 'text', text: 'hi' },
  status: 'ok',
})

/** The harness bus with its producer and/or lag check failing, as when the log is unreachable. */
function brokenBus(broken: { send?: boolean; lag?: boolean }): Bus {
  const real = h.bus
  return {
    kind: real.kind,
    admin: {
      ensureTopics: (topics) => real.admin.ensureTopics(topics),
      lag: (group, topic) =>
        broken.lag === true
          ? Promise.reject(new Error('connect ECONNREFUSED 10.0.0.7:9092'))
          : real.admin.lag(group, topic),
    },
    createProducer: () => {
      const producer = real.createProducer()
      return {
        send: (topic, messages) =>
          broken.send === true
            ? Promise.reject(new Error('broker 10.0.0.7:9092 not reachable'))
            : producer.send(topic, messages),
        close: () => producer.close(),
      }
    },
    createConsumer: (options) => real.createConsumer(options),
    close: () => Promise.resolve(),
  }
}

// Internals a 500 must not show: the cause's message, a stack frame, a file path.
const SECRET = 'relation "api_keys" password=hunter2 at 10.0.0.5'

describe('failures inside the API', () => {
  it('answers a handler that throws with 500 and the protocol body, and reports the error', async () => {
    const failure = new Error(SECRET)
    const store: Store = {
      ...h.store,
      forProject: (projectId) => ({
        ...h.store.forProject(projectId),
        getEvent: () => Promise.reject(failure),
      }),
    }
    const reported: { error: unknown; context: unknown }[] = []
    const app = h.api({ store, report: (error, context) => reported.push({ error, context }) }).app
    const id = uuidv7()
    const res = await app.request(`/v1/events/${id}`, { headers: headers(h.keys.a.read) })
    expect(res.status).toBe(500)
    const text = await res.text()
    expect(errorBodySchema.parse(JSON.parse(text))).toEqual({
      error: { code: 'internal', message: 'internal error' },
    })
    for (const leak of ['hunter2', 'api_keys', 'Error', ' at ', '.ts', 'node_modules'])
      expect(text).not.toContain(leak)
    expect(reported).toEqual([
      { error: failure, context: { method: 'GET', path: `/v1/events/${id}` } },
    ])
  })

  it('answers POST /v1/events with 503 and Retry-After details when the bus refuses the write', async () => {
    const app = h.api({ bus: brokenBus({ send: true }) }).app
    const res = await app.request('/v1/events', {
      method: 'POST',
      headers: headers(h.keys.a.ingest),
      body: JSON.stringify({ events: [event()] }),
    })
    expect(res.status).toBe(503)
    const text = await res.text()
    const body = errorBodySchema.parse(JSON.parse(text))
    expect(body.error.code).toBe('service_unavailable')
    expect(body.error.details?.retryAfterSeconds).toBeGreaterThanOrEqual(1)
    expect(text).not.toContain('10.0.0.7')
  })

  it('answers /readyz with 503 naming what is down: the bus, the database, or both', async () => {
    const deadStore: Store = {
      ...h.store,
      ping: () => Promise.reject(new Error('database down')),
    }
    const cases = [
      [{}, 200, { status: 'ready', database: 'ok', bus: 'ok' }],
      [
        { bus: brokenBus({ lag: true }) },
        503,
        { status: 'not_ready', database: 'ok', bus: 'unavailable' },
      ],
      [{ store: deadStore }, 503, { status: 'not_ready', database: 'unavailable', bus: 'ok' }],
      [
        { store: deadStore, bus: brokenBus({ lag: true }) },
        503,
        { status: 'not_ready', database: 'unavailable', bus: 'unavailable' },
      ],
    ] as const
    for (const [options, status, body] of cases) {
      const res = await h.api(options).app.request('/readyz')
      expect(res.status).toBe(status)
      expect(await res.json()).toEqual(body)
    }
  })
})
