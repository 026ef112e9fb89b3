import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { serve } from '@hono/node-server'
import { uuidv7, type Verdict } from '@anansi/protocol'
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
