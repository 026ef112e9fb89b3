import { uuidv7, type Verdict } from '@anansi/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { headers, openHarness, type Harness } from './harness.js'

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
const verdict = (eventId: string): Verdict => ({
  eventId,
  safe: false,
  action: 'block',
  score: 0.9,
  evaluations: [],
  anomalies: [],
  decidedBy: 'remote',
  decidedAt: new Date().toISOString(),
  latencyMs: 2,
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
    api.hub.publish(h.keys.a.projectId, verdict(other.id))
    api.hub.publish(h.keys.a.projectId, verdict(wanted.id))
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
