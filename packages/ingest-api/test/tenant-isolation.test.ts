import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { serve } from '@hono/node-server'
import { batchResponseSchema, uuidv7, type LlmEvent, type Verdict } from '@anansi/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { attachVerdictSocket, type IngestApi } from '../src/index.js'
import { blockedVerdict, headers, openHarness, type Harness } from './harness.js'

// Project B's rows exist and B's verdicts are live; every read below uses A's keys over real HTTP.
let h: Harness
let api: IngestApi
let server: Server
let detach: () => Promise<void>
let base: string
beforeAll(async () => {
  h = await openHarness()
  api = h.api()
  server = serve({ fetch: api.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  detach = attachVerdictSocket(server, h.store, api.hub)
  base = `127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await detach()
  await new Promise((resolve) => server.close(resolve))
  await h.close()
})

const event = (): LlmEvent => ({
  id: uuidv7(),
  timestamp: new Date().toISOString(),
  model: { provider: 'openai', name: 'gpt-4o' },
  category: 'chatbot',
  input: { type: 'text', text: 'hi' },
  status: 'ok',
})

/** Stores events with verdicts in a project, as the processor would. */
async function decided(projectId: string, count: number): Promise<string[]> {
  const project = h.store.forProject(projectId)
  const events = Array.from({ length: count }, event)
  await project.insertEvents(events)
  for (const e of events) await project.recordVerdict(blockedVerdict(e.id))
  return events.map((e) => e.id)
}

const post = async (key: string, events: LlmEvent[]) => {
  const res = await fetch(`http://${base}/v1/events`, {
    method: 'POST',
    headers: headers(key),
    body: JSON.stringify({ events }),
  })
  return { status: res.status, body: batchResponseSchema.parse(await res.json()) }
}

const until = async (check: () => boolean, ms = 3000): Promise<void> => {
  const deadline = Date.now() + ms
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
}

describe("project A's keys get nothing of project B", () => {
  it("WS ?after=<B's event id> replays only A's verdicts", async () => {
    const theirs = await decided(h.keys.b.projectId, 3)
    const mine = await decided(h.keys.a.projectId, 1)
    const ws = new WebSocket(`ws://${base}/v1/verdicts?after=${theirs[0] ?? ''}`, {
      headers: { authorization: `Bearer ${h.keys.a.read}` },
    })
    const received: string[] = []
    ws.on('message', (data: Buffer) =>
      received.push((JSON.parse(data.toString('utf8')) as Verdict).eventId),
    )
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    // B's id is no anchor in A's project, so A's replay starts from A's beginning.
    await until(() => received.includes(mine[0] ?? ''))
    for (const id of theirs) api.hub.publish(h.keys.b.projectId, blockedVerdict(id))
    const sentinel = uuidv7()
    api.hub.publish(h.keys.a.projectId, blockedVerdict(sentinel))
    await until(() => received.includes(sentinel))
    expect(received).toContain(mine[0])
    expect(received).toContain(sentinel)
    for (const id of theirs) expect(received).not.toContain(id)
    ws.close()
  })

  it("reading B's stored event or verdict answers as if it did not exist", async () => {
    const [theirs = ''] = await decided(h.keys.b.projectId, 1)
    const get = (path: string, key: string) =>
      fetch(`http://${base}${path}`, { headers: headers(key) })
    // B itself sees both.
    expect((await get(`/v1/events/${theirs}/verdict`, h.keys.b.read)).status).toBe(200)
    expect((await get(`/v1/events/${theirs}`, h.keys.b.read)).status).toBe(200)
    expect((await get(`/v1/events/${theirs}`, h.keys.a.read)).status).toBe(404)
    // An undecided verdict is 204 (the SDK polls events not yet processed): B's is no different
    // from an id nobody used, now and after a long-poll.
    for (const path of [`/v1/events/${theirs}/verdict`, `/v1/events/${theirs}/verdict?wait=100`]) {
      for (const key of [h.keys.a.read, h.keys.a.ingest, h.keys.a.admin]) {
        const res = await get(path, key)
        expect(res.status, `${path} ${key.slice(0, 10)}`).toBe(204)
        expect(await res.text()).toBe('')
      }
    }
    const unknown = await get(`/v1/events/${uuidv7()}/verdict`, h.keys.a.read)
    expect(unknown.status).toBe(204)
  })

  it('accepts for A the ids B already used (stored, or just accepted by this replica)', async () => {
    const stored = event()
    await h.store.forProject(h.keys.b.projectId).insertEvents([stored])
    const recent = event()
    expect((await post(h.keys.b.ingest, [recent])).body.accepted).toBe(1)
    const first = await post(h.keys.a.ingest, [stored, recent])
    expect(first.status).toBe(202)
    expect(first.body.results.map((r) => r.status)).toEqual(['accepted', 'accepted'])
    // ...and A's own repeat of them is A's duplicate.
    const again = await post(h.keys.a.ingest, [stored, recent])
    expect(again.body.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate'])
    // B's copies are untouched by A's: B still sees its ids as duplicates, not A's events.
    const bAgain = await post(h.keys.b.ingest, [stored, recent])
    expect(bAgain.body.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate'])
  })

  it("SSE delivers none of B's events or verdicts to A", async () => {
    const controller = new AbortController()
    const res = await fetch(`http://${base}/v1/stream`, {
      headers: headers(h.keys.a.read),
      signal: controller.signal,
    })
    expect(res.status).toBe(200)
    if (res.body === null) throw new Error('the stream has no body')
    const reader: ReadableStreamDefaultReader<Uint8Array> = res.body.getReader()
    const decoder = new TextDecoder()
    let text = ''
    const readUntil = async (needle: string): Promise<void> => {
      const deadline = Date.now() + 3000
      while (!text.includes(needle) && Date.now() < deadline) {
        const { done, value } = await reader.read()
        if (done) break
        text += decoder.decode(value, { stream: true })
      }
    }
    await readUntil('event: ready')
    const theirs = event()
    await post(h.keys.b.ingest, [theirs])
    api.hub.publish(h.keys.b.projectId, blockedVerdict(theirs.id))
    const mine = event()
    await post(h.keys.a.ingest, [mine])
    api.hub.publish(h.keys.a.projectId, blockedVerdict(mine.id))
    await readUntil(`"eventId":"${mine.id}"`)
    controller.abort()
    expect(text).toContain(`"id":"${mine.id}"`)
    expect(text).toContain(`"eventId":"${mine.id}"`)
    expect(text).not.toContain(theirs.id)
  })
})
