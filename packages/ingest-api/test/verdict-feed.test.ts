import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import type { Consumer } from '@anansi/bus'
import { serve } from '@hono/node-server'
import { uuidv7, type LlmEvent, type Verdict, type VerdictEnvelope } from '@anansi/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { attachVerdictSocket, startVerdictFeed, type IngestApi } from '../src/index.js'
import { until, untilFeedReads } from './fixtures/live-feed.js'
import { busKinds, headers, openHarness, uniqueName, type Harness } from './harness.js'

const verdictFor = (eventId: string, decidedAt = new Date().toISOString()): Verdict => ({
  eventId,
  safe: true,
  action: 'allow',
  score: 0.01,
  evaluations: [],
  anomalies: [],
  decidedBy: 'remote',
  decidedAt,
  latencyMs: 3,
})

const eventWith = (id: string): LlmEvent => ({
  id,
  timestamp: new Date().toISOString(),
  model: { provider: 'p', name: 'm' },
  category: 'c',
  input: { type: 'text', text: 't' },
  status: 'ok',
})

describe.each(busKinds())('verdict feed on the %s bus', (kind) => {
  let h: Harness
  let api: IngestApi
  let feed: Consumer
  const errors: unknown[] = []

  /** Publishes raw messages on the verdicts topic, as the stream processor does. */
  const publish = async (messages: { key: string; value: string }[]): Promise<void> => {
    const producer = h.bus.createProducer()
    await producer.send(h.topics.verdicts, messages)
    await producer.close()
  }
  const envelope = (verdict: Verdict): { key: string; value: string } => {
    const message: VerdictEnvelope = { projectId: h.keys.a.projectId, verdict }
    return { key: h.keys.a.projectId, value: JSON.stringify(message) }
  }

  beforeAll(async () => {
    h = await openHarness(kind)
    api = h.api()
    feed = await startVerdictFeed(
      h.bus,
      api.hub,
      uniqueName('replica'),
      (e) => errors.push(e),
      h.topics.verdicts,
    )
    const probes = new Set<string>()
    const off = api.hub.subscribe(h.keys.a.projectId, (v) => probes.add(v.eventId))
    await untilFeedReads(
      () => publish([envelope(verdictFor(uuidv7()))]),
      () => probes.size > 0,
    )
    off()
  })
  afterAll(async () => {
    await feed.stop()
    await h.close()
  })

  it('wakes a long-poll when the processor publishes the verdict on the bus, and reports an unreadable message', async () => {
    const eventId = uuidv7()
    const pending = api.app.request(`/v1/events/${eventId}/verdict?wait=5000`, {
      headers: headers(h.keys.a.ingest),
    })
    await until(() => api.hub.waiting > 0)
    await publish([{ key: 'x', value: 'not json' }, envelope(verdictFor(eventId))])
    const res = await pending
    expect(res.status).toBe(200)
    expect(((await res.json()) as Verdict).eventId).toBe(eventId)
    expect(errors).toHaveLength(1) // the unreadable message was reported, not fatal
  })

  it('resumes a verdict socket from the store, then delivers what the bus brings next', async () => {
    const server = serve({ fetch: api.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server
    await new Promise<void>((resolve) => server.once('listening', () => resolve()))
    const detach = attachVerdictSocket(server, h.store, api.hub)
    try {
      const project = h.store.forProject(h.keys.a.projectId)
      const decided = [uuidv7(), uuidv7(), uuidv7()]
      const base = Date.now() - 10_000
      for (const [i, id] of decided.entries()) {
        await project.insertEvents([eventWith(id)])
        await project.recordVerdict(verdictFor(id, new Date(base + i * 1000).toISOString()))
      }
      const port = (server.address() as AddressInfo).port
      const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/verdicts?after=${decided[0] ?? ''}`, {
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
      await until(() => received.length >= 2)
      const live = uuidv7()
      await publish([envelope(verdictFor(live))])
      await until(() => received.length >= 3)
      expect(received).toEqual([decided[1], decided[2], live])
      ws.close()
    } finally {
      await detach()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
