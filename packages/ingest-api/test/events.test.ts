import { gzipSync } from 'node:zlib'
import {
  batchResponseSchema,
  errorBodySchema,
  uuidv7,
  verdictSchema,
  type LlmEvent,
} from '@anansi/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { blockedVerdict, busKinds, headers, openHarness, type Harness } from './harness.js'

// Each bus's suite runs after the other's (vitest runs sibling suites in order), so the helpers
// below can share this one variable.
let h: Harness

const event = (patch: Partial<LlmEvent> = {}): LlmEvent => ({
  id: uuidv7(),
  timestamp: new Date().toISOString(),
  model: { provider: 'openai', name: 'gpt-4o' },
  category: 'chatbot',
  input: { type: 'text', text: 'Hello' },
  output: { type: 'text', text: 'Hi!' },
  status: 'ok',
  ...patch,
})

const post = async (key: string | undefined, body: unknown, extra: Record<string, string> = {}) =>
  h.api().app.request('/v1/events', {
    method: 'POST',
    headers: headers(key, extra),
    body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
  })

/** Every event id currently on the events topic, read back through a fresh consumer group. */
async function idsOnBus(expected: number): Promise<string[]> {
  const ids: string[] = []
  const consumer = h.bus.createConsumer({ groupId: `check-${uuidv7()}`, topics: [h.topics.events] })
  await consumer.run({
    eachBatch: async ({ messages }) => {
      for (const m of messages) ids.push(m.headers['event-id'] ?? '')
      await Promise.resolve()
    },
  })
  const deadline = Date.now() + 5000
  while (ids.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
  await consumer.stop()
  return ids
}

describe.each(busKinds())('on the %s bus', (kind) => {
  beforeAll(async () => {
    h = await openHarness(kind)
  })
  afterAll(async () => {
    await h.close()
  })

  describe('POST /v1/events', () => {
    it('answers 202 only after every accepted event is on the bus, keyed by project and model', async () => {
      const events = [event(), event({ model: { provider: 'anthropic', name: 'claude' } })]
      const res = await post(h.keys.a.ingest, { events })
      expect(res.status).toBe(202)
      const body = batchResponseSchema.parse(await res.json())
      expect(body).toMatchObject({ accepted: 2, duplicates: 0, rejected: 0 })
      const onBus = await idsOnBus(2)
      for (const e of events) expect(onBus).toContain(e.id)
    })

    it('answers 207 with the failing paths of each rejected event and accepts the rest', async () => {
      const good = event()
      const res = await post(h.keys.a.ingest, {
        events: [good, { ...event(), status: 'maybe' }, { id: 'nope' }],
      })
      expect(res.status).toBe(207)
      const body = batchResponseSchema.parse(await res.json())
      expect(body.results.map((r) => r.status)).toEqual(['accepted', 'rejected', 'rejected'])
      expect(body.results[1]?.errors?.map((e) => e.path)).toEqual([['events', 1, 'status']])
    })

    it('answers duplicate for ids this replica accepted, in an earlier batch or earlier in the same one', async () => {
      const api = h.api()
      const send = (body: unknown) =>
        api.app.request('/v1/events', {
          method: 'POST',
          headers: headers(h.keys.a.ingest),
          body: JSON.stringify(body),
        })
      const e = event()
      expect((await send({ events: [e] })).status).toBe(202)
      const again = batchResponseSchema.parse(
        await (await send({ events: [e, { ...e, id: e.id.toUpperCase() }] })).json(),
      )
      expect(again.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate'])
      const fresh = event()
      const within = batchResponseSchema.parse(
        await (await post(h.keys.a.ingest, { events: [fresh, fresh] })).json(),
      )
      expect(within.results.map((r) => r.status)).toEqual(['accepted', 'duplicate'])
    })

    it('knows ids the store already holds (events processed before this replica started)', async () => {
      const e = event()
      await h.store.forProject(h.keys.a.projectId).insertEvents([e])
      const body = batchResponseSchema.parse(
        await (await post(h.keys.a.ingest, { events: [e] })).json(),
      )
      expect(body.results[0]?.status).toBe('duplicate')
    })

    it('accepts gzip bodies', async () => {
      const res = await post(h.keys.a.ingest, gzipSync(JSON.stringify({ events: [event()] })), {
        'content-encoding': 'gzip',
      })
      expect(res.status).toBe(202)
    })

    it.each([
      ['malformed JSON', '{"events": [', {}, 400, 'invalid_json'],
      ['an invalid envelope', JSON.stringify({ events: [] }), {}, 400, 'validation_failed'],
      [
        'a non-JSON content type',
        'events=1',
        { 'content-type': 'text/plain' },
        415,
        'unsupported_media_type',
      ],
      [
        'an unknown content encoding',
        '{}',
        { 'content-encoding': 'br' },
        415,
        'unsupported_media_type',
      ],
      [
        'a body over 8 MiB',
        JSON.stringify({
          events: [event({ output: { type: 'text', text: 'x'.repeat(9 * 2 ** 20) } })],
        }),
        {},
        413,
        'payload_too_large',
      ],
      [
        'a gzip bomb',
        gzipSync(Buffer.alloc(64 * 2 ** 20, 32)),
        { 'content-encoding': 'gzip' },
        413,
        'payload_too_large',
      ],
      [
        'corrupt gzip',
        Buffer.from('not gzip at all'),
        { 'content-encoding': 'gzip' },
        400,
        'bad_request',
      ],
      ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), {}, 400, 'bad_request'],
    ] as const)('refuses %s with a typed error body', async (_name, body, extra, status, code) => {
      const res = await post(h.keys.a.ingest, body, extra)
      expect(res.status).toBe(status)
      expect(errorBodySchema.parse(await res.json()).error.code).toBe(code)
    })

    it('requires a valid key with the ingest scope', async () => {
      expect((await post(undefined, { events: [event()] })).status).toBe(401)
      expect(
        (await post('ansk_aaaaaaaaaaaa_' + 'A'.repeat(43), { events: [event()] })).status,
      ).toBe(401)
      const forbidden = await post(h.keys.a.read, { events: [event()] })
      expect(forbidden.status).toBe(403)
      expect(errorBodySchema.parse(await forbidden.json()).error.code).toBe('forbidden')
      expect((await post(h.keys.a.admin, { events: [event()] })).status).toBe(202)
    })

    it('rate-limits per key with 429 and Retry-After', async () => {
      const api = h.api({ rateLimit: { perSecond: 1, burst: 2 } })
      const send = () =>
        api.app.request('/v1/events', {
          method: 'POST',
          headers: headers(h.keys.b.ingest),
          body: JSON.stringify({ events: [event()] }),
        })
      expect((await send()).status).toBe(202)
      expect((await send()).status).toBe(202)
      const limited = await send()
      expect(limited.status).toBe(429)
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
      expect(errorBodySchema.parse(await limited.json()).error.code).toBe('rate_limited')
    })
  })

  describe('reading events and verdicts', () => {
    it('serves a stored event to its project and 404 to every other project', async () => {
      const e = event()
      await h.store.forProject(h.keys.a.projectId).insertEvents([e])
      const own = await h
        .api()
        .app.request(`/v1/events/${e.id}`, { headers: headers(h.keys.a.read) })
      expect(own.status).toBe(200)
      const other = await h
        .api()
        .app.request(`/v1/events/${e.id}`, { headers: headers(h.keys.b.admin) })
      expect(other.status).toBe(404)
      expect(errorBodySchema.parse(await other.json()).error.code).toBe('not_found')
    })

    it('long-polls for a verdict and returns it when it is decided', async () => {
      const api = h.api()
      const e = event()
      const pending = api.app.request(`/v1/events/${e.id}/verdict?wait=2000`, {
        headers: headers(h.keys.a.ingest),
      })
      setTimeout(() => api.hub.publish(h.keys.a.projectId, blockedVerdict(e.id)), 50)
      const res = await pending
      expect(res.status).toBe(200)
      expect(verdictSchema.parse(await res.json()).eventId).toBe(e.id)
    })

    it('answers 204 when nothing was decided within wait, and never leaks another project verdict', async () => {
      const api = h.api()
      const e = event()
      const pending = api.app.request(`/v1/events/${e.id}/verdict?wait=200`, {
        headers: headers(h.keys.b.ingest),
      })
      setTimeout(() => api.hub.publish(h.keys.a.projectId, blockedVerdict(e.id)), 20)
      expect((await pending).status).toBe(204)
      expect(api.hub.waiting).toBe(0)
    })

    it('returns a stored verdict at once and validates query parameters', async () => {
      const e = event()
      const project = h.store.forProject(h.keys.a.projectId)
      await project.insertEvents([e])
      await project.recordVerdict(blockedVerdict(e.id))
      expect(
        (
          await h
            .api()
            .app.request(`/v1/events/${e.id}/verdict`, { headers: headers(h.keys.a.read) })
        ).status,
      ).toBe(200)
      const bad = await h.api().app.request(`/v1/events/${e.id}/verdict?wait=99999999`, {
        headers: headers(h.keys.a.read),
      })
      expect(bad.status).toBe(400)
      expect(errorBodySchema.parse(await bad.json()).error.code).toBe('validation_failed')
    })
  })

  describe('the rest of the surface', () => {
    it('answers unknown routes with 404 in the protocol error body', async () => {
      const res = await h.api().app.request('/v1/nope', { headers: headers(h.keys.a.read) })
      expect(res.status).toBe(404)
      expect(errorBodySchema.parse(await res.json()).error.code).toBe('not_found')
    })

    it('serves health, readiness, metrics, the OpenAPI document and a docs page, with security headers', async () => {
      const api = h.api()
      expect((await api.app.request('/healthz')).status).toBe(200)
      const ready = await api.app.request('/readyz')
      expect(ready.status).toBe(200)
      expect(ready.headers.get('x-content-type-options')).toBe('nosniff')
      await post(h.keys.a.ingest, { events: [event()] })
      await api.app.request('/v1/events', {
        method: 'POST',
        headers: headers(h.keys.a.ingest),
        body: JSON.stringify({ events: [event()] }),
      })
      expect(await (await api.app.request('/metrics')).text()).toMatch(
        /anansi_ingest_events_total\{result="accepted"\} [1-9]/,
      )
      const spec = (await (await api.app.request('/openapi.json')).json()) as {
        openapi: string
        paths: Record<string, unknown>
      }
      expect(spec.openapi).toBe('3.1.0')
      expect(Object.keys(spec.paths)).toEqual(
        expect.arrayContaining([
          '/v1/events',
          '/v1/events/{id}',
          '/v1/events/{id}/verdict',
          '/v1/evaluate',
        ]),
      )
      expect(await (await api.app.request('/docs')).text()).toContain('/openapi.json')
    })
  })
})
