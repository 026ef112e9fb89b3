import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { serve } from '@hono/node-server'
import { errorBodySchema, uuidv7, type LlmEvent, type Verdict } from '@anansi/protocol'
import type { Store } from '@anansi/store'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { attachVerdictSocket, type IngestApi } from '../src/index.js'
import { openHarness, type Harness } from './harness.js'

let h: Harness
let api: IngestApi
let server: Server
let detach: () => Promise<void>
let url: string

beforeAll(async () => {
  h = await openHarness()
  api = h.api()
  server = serve({ fetch: api.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  detach = attachVerdictSocket(server, h.store, api.hub, { heartbeatMs: 200 })
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/v1/verdicts`
})
afterAll(async () => {
  await detach()
  await new Promise((resolve) => server.close(resolve))
  await h.close()
})

const verdictFor = (eventId: string, decidedAt = new Date().toISOString()): Verdict => ({
  eventId,
  safe: true,
  action: 'allow',
  score: 0,
  evaluations: [],
  anomalies: [],
  decidedBy: 'remote',
  decidedAt,
  latencyMs: 1,
})

/** Opens a socket and collects parsed verdicts. */
async function connect(
  key: string | undefined,
  query = '',
  base = url,
): Promise<{ ws: WebSocket; received: Verdict[] }> {
  const ws = new WebSocket(
    base + query,
    key === undefined ? {} : { headers: { authorization: `Bearer ${key}` } },
  )
  const received: Verdict[] = []
  ws.on('message', (data: Buffer) => received.push(JSON.parse(data.toString('utf8')) as Verdict))
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  return { ws, received }
}

/** Attempts an upgrade that should be refused; resolves with the HTTP status and the body. */
async function refused(key: string, query: string): Promise<{ status: number; body: unknown }> {
  const ws = new WebSocket(url + query, { headers: { authorization: `Bearer ${key}` } })
  return new Promise((resolve, reject) => {
    ws.once('open', () => reject(new Error('the upgrade was accepted')))
    ws.once('error', () => undefined)
    ws.once('unexpected-response', (_request, response) => {
      let text = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (text += chunk))
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }),
      )
    })
  })
}

const eventWith = (id: string): LlmEvent => ({
  id,
  timestamp: new Date().toISOString(),
  model: { provider: 'p', name: 'm' },
  category: 'c',
  input: { type: 'text', text: 't' },
  status: 'ok',
})

/** Serves the verdict socket on a server of its own, for options the shared one lacks. */
async function ownSocket(
  store: Store,
  options: Parameters<typeof attachVerdictSocket>[3],
): Promise<{ url: string; close(): Promise<void> }> {
  const own = serve({ fetch: api.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server
  await new Promise<void>((resolve) => own.once('listening', () => resolve()))
  const detachOwn = attachVerdictSocket(own, store, api.hub, options)
  return {
    url: `ws://127.0.0.1:${(own.address() as AddressInfo).port}/v1/verdicts`,
    async close() {
      await detachOwn()
      await new Promise((resolve) => own.close(resolve))
    },
  }
}

const until = async (check: () => boolean, ms = 3000): Promise<void> => {
  const deadline = Date.now() + ms
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
}

describe('GET /v1/verdicts (WebSocket)', () => {
  it('pushes the verdicts of the key project, and only those', async () => {
    const a = await connect(h.keys.a.ingest)
    const b = await connect(h.keys.b.read)
    const mine = uuidv7()
    api.hub.publish(h.keys.a.projectId, verdictFor(mine))
    api.hub.publish(h.keys.b.projectId, verdictFor(uuidv7()))
    await until(() => a.received.length > 0 && b.received.length > 0)
    expect(a.received.map((v) => v.eventId)).toEqual([mine])
    expect(b.received).toHaveLength(1)
    expect(b.received[0]?.eventId).not.toBe(mine)
    a.ws.close()
    b.ws.close()
  })

  it('refuses a missing or wrong key before upgrading', async () => {
    await expect(connect(undefined)).rejects.toThrow(/401/)
    await expect(connect('ansk_aaaaaaaaaaaa_' + 'A'.repeat(43))).rejects.toThrow(/401/)
  })

  it('replays what was decided after the last seen event when resuming', async () => {
    const project = h.store.forProject(h.keys.a.projectId)
    const events = [uuidv7(), uuidv7(), uuidv7()]
    const base = Date.now() - 10_000
    for (const [i, id] of events.entries()) {
      await project.insertEvents([
        {
          id,
          timestamp: new Date().toISOString(),
          model: { provider: 'p', name: 'm' },
          category: 'c',
          input: { type: 'text', text: 't' },
          status: 'ok',
        },
      ])
      await project.recordVerdict(verdictFor(id, new Date(base + i * 1000).toISOString()))
    }
    const resumed = await connect(h.keys.a.read, `?after=${events[0] ?? ''}`)
    await until(() => resumed.received.length >= 2)
    expect(resumed.received.map((v) => v.eventId)).toEqual([events[1], events[2]])
    resumed.ws.close()
  })

  it('refuses an after that is no event id with 400 and the protocol error body, and keeps serving', async () => {
    for (const bad of ['not-a-uuid', "'; drop table verdicts; --", '1'.repeat(500)]) {
      const answer = await refused(h.keys.a.read, `?after=${encodeURIComponent(bad)}`)
      expect(answer.status).toBe(400)
      const body = errorBodySchema.parse(answer.body)
      expect(body.error.code).toBe('validation_failed')
      expect(body.error.details?.issues?.[0]?.path).toEqual(['query', 'after'])
    }
    const still = await connect(h.keys.a.read, `?after=${uuidv7()}`)
    const id = uuidv7()
    api.hub.publish(h.keys.a.projectId, verdictFor(id))
    await until(() => still.received.some((v) => v.eventId === id))
    expect(still.received.map((v) => v.eventId)).toContain(id)
    still.ws.close()
  })

  it('closes with 1011 and reports when the store fails during a resume, and keeps serving', async () => {
    const failure = new Error('database went away')
    // Only the replay read fails; keys still verify against the real store.
    const failing = new Proxy(h.store, {
      get(target, property, receiver) {
        if (property !== 'forProject') return Reflect.get(target, property, receiver) as unknown
        return (projectId: string) => ({
          ...target.forProject(projectId),
          listVerdictsAfter: () => Promise.reject(failure),
        })
      },
    })
    const reported: unknown[] = []
    const own = await ownSocket(failing, { report: (error) => reported.push(error) })
    try {
      const resumed = await connect(h.keys.a.read, `?after=${uuidv7()}`, own.url)
      const code = await new Promise<number>((resolve) =>
        resumed.ws.once('close', (c: number) => resolve(c)),
      )
      expect(code).toBe(1011)
      expect(reported).toEqual([failure])
      const live = await connect(h.keys.a.read, '', own.url)
      const id = uuidv7()
      api.hub.publish(h.keys.a.projectId, verdictFor(id))
      await until(() => live.received.length > 0)
      expect(live.received.map((v) => v.eventId)).toEqual([id])
      live.ws.close()
    } finally {
      await own.close()
    }
  })

  it('pages through a resume until caught up, keeping verdicts decided in the same instant', async () => {
    const { id: projectId } = await h.store.createProject({ name: 'paging', slug: 'paging' })
    const project = h.store.forProject(projectId)
    const key = (await project.createApiKey({ name: 'r', scopes: ['read'] })).plaintext
    const ids = Array.from({ length: 23 }, () => uuidv7())
    await project.insertEvents(ids.map(eventWith))
    // Pairs of verdicts share one millisecond, so pages end in the middle of an instant.
    const at = (i: number) => new Date(Date.parse('2026-01-01T00:00:00Z') + Math.floor(i / 2))
    for (const [i, id] of ids.entries())
      await project.recordVerdict(verdictFor(id, at(i).toISOString()))
    const expected = ids
      .map((id, i) => ({ id, at: at(i).getTime() }))
      .sort((x, y) => x.at - y.at || (x.id < y.id ? -1 : 1))
      .map((x) => x.id)
    const own = await ownSocket(h.store, { replayPageSize: 4 })
    try {
      const resumed = await connect(key, `?after=${expected[0] ?? ''}`, own.url)
      await until(() => resumed.received.length >= expected.length - 1)
      await new Promise((r) => setTimeout(r, 50))
      expect(resumed.received.map((v) => v.eventId)).toEqual(expected.slice(1))
      resumed.ws.close()
    } finally {
      await own.close()
    }
  })

  it('cuts off a client that stops reading instead of buffering without bound', async () => {
    // Its own server with a slow heartbeat: a paused client cannot answer pings, and under load
    // the 200 ms heartbeat of the shared server would drop it (1006) before backpressure does.
    const own = serve({ fetch: api.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server
    await new Promise<void>((resolve) => own.once('listening', () => resolve()))
    const detachOwn = attachVerdictSocket(own, h.store, api.hub, { heartbeatMs: 60_000 })
    try {
      const base = `ws://127.0.0.1:${(own.address() as AddressInfo).port}/v1/verdicts`
      const slow = await connect(h.keys.a.ingest, '', base)
      const closed = new Promise<number>((resolve) =>
        slow.ws.once('close', (code: number) => resolve(code)),
      )
      // Stop reading from the TCP socket: the server's send buffer fills up.
      ;(slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause()
      const big = verdictFor(uuidv7())
      const padded = { ...big, evaluations: [], policy: 'x'.repeat(100) }
      for (let i = 0; i < 20_000; i += 1)
        api.hub.publish(h.keys.a.projectId, { ...padded, eventId: uuidv7() })
      ;(slow.ws as unknown as { _socket: { resume(): void } })._socket.resume()
      expect(await closed).toBe(1013)
    } finally {
      await detachOwn()
      await new Promise((resolve) => own.close(resolve))
    }
  })
})
