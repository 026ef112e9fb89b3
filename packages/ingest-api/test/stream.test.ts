import { uuidv7, type Verdict } from '@anansi/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEventFeed, type EventFeed, type IngestApi } from '../src/index.js'
import { until, untilFeedReads } from './fixtures/live-feed.js'
import {
  blockedVerdict,
  busKinds,
  headers,
  openHarness,
  uniqueName,
  type Harness,
} from './harness.js'

let h: Harness
beforeAll(async () => {
  h = await openHarness()
})
afterAll(async () => {
  await h.close()
})

interface SseMessage {
  event: string
  data: string
}

/** Reads SSE messages from a response body until `count` arrived (or the time runs out). */
async function readMessages(
  body: ReadableStream<Uint8Array>,
  count: number,
  ms = 3000,
): Promise<SseMessage[]> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  const messages: SseMessage[] = []
  let buffer = ''
  const deadline = Date.now() + ms
  while (messages.length < count && Date.now() < deadline) {
    const { done, value } = await Promise.race([
      reader.read(),
      new Promise<{ done: true; value: undefined }>((r) =>
        setTimeout(() => r({ done: true, value: undefined }), deadline - Date.now()),
      ),
    ])
    if (done) break
    buffer += decoder.decode(value, { stream: true })
    let end
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message'
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? ''
      messages.push({ event, data })
    }
  }
  await reader.cancel()
  return messages
}

const event = (model: string) => ({
  id: uuidv7(),
  timestamp: new Date().toISOString(),
  model: { provider: 'openai', name: model },
  category: 'chatbot',
  input: { type: 'text', text: 'hi' },
  status: 'ok',
})

describe('GET /v1/stream (SSE)', () => {
  it('streams live events of one model and the verdicts of those events, for the key project only', async () => {
    const api = h.api()
    const res = await api.app.request('/v1/stream?model=wanted', {
      headers: headers(h.keys.a.read),
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const wanted = event('wanted')
    const other = event('other')
    const reading = readMessages(res.body ?? new ReadableStream(), 3)
    await new Promise((r) => setTimeout(r, 50))
    await api.app.request('/v1/events', {
      method: 'POST',
      headers: headers(h.keys.a.ingest),
      body: JSON.stringify({ events: [other, wanted] }),
    })
    await api.app.request('/v1/events', {
      method: 'POST',
      headers: headers(h.keys.b.ingest),
      body: JSON.stringify({ events: [event('wanted')] }),
    })
    api.hub.publish(h.keys.a.projectId, blockedVerdict(other.id))
    api.hub.publish(h.keys.a.projectId, blockedVerdict(wanted.id))
    const messages = await reading
    expect(messages.map((m) => m.event)).toEqual(['ready', 'event', 'verdict'])
    expect((JSON.parse(messages[1]?.data ?? '{}') as { id: string }).id).toBe(wanted.id)
    expect((JSON.parse(messages[2]?.data ?? '{}') as Verdict).eventId).toBe(wanted.id)
  })

  it('needs the read scope', async () => {
    expect(
      (await h.api().app.request('/v1/stream', { headers: headers(h.keys.a.ingest) })).status,
    ).toBe(403)
  })
})

/** Collects SSE messages from a response body in the background until closed. */
function collectSse(body: ReadableStream<Uint8Array> | null): {
  messages: SseMessage[]
  ids(event: string): string[]
  close(): Promise<void>
} {
  const reader = (body ?? new ReadableStream<Uint8Array>()).getReader()
  const decoder = new TextDecoder()
  const messages: SseMessage[] = []
  let buffer = ''
  const reading = (async () => {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      buffer += decoder.decode(value, { stream: true })
      let end
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        messages.push({
          event: /^event: (.*)$/m.exec(block)?.[1] ?? 'message',
          data: /^data: (.*)$/m.exec(block)?.[1] ?? '',
        })
      }
    }
  })()
  return {
    messages,
    ids: (event) =>
      messages
        .filter((m) => m.event === event)
        .map((m) => (JSON.parse(m.data) as { id: string }).id),
    async close() {
      await reader.cancel()
      await reading.catch(() => undefined)
    },
  }
}

describe.each(busKinds())('GET /v1/stream with several replicas on the %s bus', (kind) => {
  let bus: Harness
  const replicas: { api: IngestApi; feed: EventFeed }[] = []
  const errors: unknown[] = []

  beforeAll(async () => {
    bus = await openHarness(kind)
    for (let i = 0; i < 2; i += 1) {
      const api = bus.api()
      const feed = await startEventFeed(
        bus.bus,
        api.events,
        uniqueName('replica'),
        (e) => errors.push(e),
        bus.topics.events,
      )
      replicas.push({ api, feed })
    }
  })
  afterAll(async () => {
    for (const { feed } of replicas) await feed.stop()
    await bus.close()
  })

  const stream = async (api: IngestApi) =>
    collectSse((await api.app.request('/v1/stream', { headers: headers(bus.keys.a.read) })).body)
  const post = (api: IngestApi, key: string, events: unknown[]) =>
    api.app.request('/v1/events', {
      method: 'POST',
      headers: headers(key),
      body: JSON.stringify({ events }),
    })

  it('shows an event accepted by one replica on every replica, once each, and only to its project', async () => {
    const [one, two] = replicas.map((r) => r.api)
    if (one === undefined || two === undefined) throw new Error('two replicas expected')
    const onOne = await stream(one)
    const onTwo = await stream(two)
    try {
      // Both feeds start at the end of the log: wait until each reads live.
      await untilFeedReads(
        async () => void (await post(one, bus.keys.a.ingest, [event('probe')])),
        () => onOne.ids('event').length > 0 && onTwo.ids('event').length > 0,
      )
      const fromOne = event('wanted')
      const fromTwo = event('wanted')
      const otherProject = event('wanted')
      expect((await post(one, bus.keys.a.ingest, [fromOne])).status).toBe(202)
      expect((await post(two, bus.keys.a.ingest, [fromTwo])).status).toBe(202)
      expect((await post(one, bus.keys.b.ingest, [otherProject])).status).toBe(202)
      const seenEverywhere = () =>
        [onOne, onTwo].every((s) =>
          [fromOne.id, fromTwo.id].every((id) => s.ids('event').includes(id)),
        )
      await until(seenEverywhere)
      // A copy delivered straight from the accepting replica would arrive before the feed's.
      await new Promise((r) => setTimeout(r, 300))
      for (const s of [onOne, onTwo]) {
        const ids = s.ids('event')
        expect(ids.filter((id) => id === fromOne.id)).toHaveLength(1)
        expect(ids.filter((id) => id === fromTwo.id)).toHaveLength(1)
        expect(ids).not.toContain(otherProject.id)
      }
      expect(errors).toEqual([])
    } finally {
      await onOne.close()
      await onTwo.close()
    }
  })

  it('goes back to streaming what the replica accepts itself once its feed stops', async () => {
    const replica = replicas[1]
    if (replica === undefined) throw new Error('two replicas expected')
    await replica.feed.stop()
    const live = await stream(replica.api)
    try {
      const mine = event('after-stop')
      expect((await post(replica.api, bus.keys.a.ingest, [mine])).status).toBe(202)
      await until(() => live.ids('event').includes(mine.id))
      expect(live.ids('event')).toEqual([mine.id])
    } finally {
      await live.close()
    }
  })
})
