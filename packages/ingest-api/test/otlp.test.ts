import { gzipSync } from 'node:zlib'
import { uuidv7, type EventEnvelope } from '@anansi/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ProtobufReader } from '../src/otlp/protobuf-reader.js'
import { encodeTraceRequest, type WriterSpan } from './fixtures/otlp-proto-writer.js'
import type { IngestApi } from '../src/index.js'
import { busKinds, openHarness, type Harness } from './harness.js'

// Each bus's suite runs after the other's, so the helpers below can share this one variable.
let h: Harness

const PATH = '/v1/otlp/v1/traces'
const START = BigInt(Date.UTC(2025, 4, 6, 7, 8, 9)) * 1_000_000n
let next = 0
const ids = () => {
  next += 1
  return {
    traceId: `4bf92f3577b34da6a3ce929d0e0e${next.toString(16).padStart(4, '0')}`,
    spanId: `00f067aa0ba9${next.toString(16).padStart(4, '0')}`,
  }
}

const genAiSpan = (attributes: WriterSpan['attributes'] = {}): WriterSpan => ({
  ...ids(),
  name: 'chat gpt-4o',
  startNanos: START,
  endNanos: START + 250_000_000n,
  attributes: {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o',
    'gen_ai.input.messages': JSON.stringify([
      { role: 'user', parts: [{ type: 'text', content: 'Hello' }] },
    ]),
    'gen_ai.output.messages': JSON.stringify([
      { role: 'assistant', parts: [{ type: 'text', content: 'Hi!' }] },
    ]),
    'gen_ai.usage.input_tokens': 1,
    'gen_ai.usage.output_tokens': 2n ** 40n,
    ...attributes,
  },
})
const httpSpan = (): WriterSpan => ({
  ...ids(),
  name: 'GET /',
  startNanos: START,
  endNanos: START + 1n,
  attributes: { 'http.request.method': 'GET' },
})

/** The same spans in OTLP/JSON, as `@opentelemetry/otlp-transformer` would write them. */
function toJson(spans: WriterSpan[], resource: Record<string, string> = {}): unknown {
  const value = (v: unknown): unknown =>
    typeof v === 'string'
      ? { stringValue: v }
      : typeof v === 'bigint'
        ? { intValue: v.toString() }
        : typeof v === 'number'
          ? Number.isInteger(v)
            ? { intValue: v }
            : { doubleValue: v }
          : { boolValue: v }
  const attrs = (o: Record<string, unknown>) =>
    Object.entries(o).map(([key, v]) => ({ key, value: value(v) }))
  return {
    resourceSpans: [
      {
        resource: { attributes: attrs(resource) },
        scopeSpans: [
          {
            scope: { name: 'json-scope' },
            spans: spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              name: s.name,
              kind: 3,
              startTimeUnixNano: s.startNanos.toString(),
              endTimeUnixNano: s.endNanos.toString(),
              attributes: attrs(s.attributes),
              status: s.status ?? {},
            })),
          },
        ],
      },
    ],
  }
}

const post = (
  body: Uint8Array | string,
  type: string,
  key: string | undefined = h.keys.a.ingest,
  extra: Record<string, string> = {},
  api: IngestApi = h.api(),
) =>
  api.app.request(PATH, {
    method: 'POST',
    headers: {
      'content-type': type,
      ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
      ...extra,
    },
    body,
  })

/** Envelopes on the events topic whose event ids are in `wanted`, read by a fresh group. */
async function onBus(wanted: (id: string) => boolean, expected: number): Promise<EventEnvelope[]> {
  const found: EventEnvelope[] = []
  const consumer = h.bus.createConsumer({ groupId: `otlp-${uuidv7()}`, topics: [h.topics.events] })
  await consumer.run({
    eachBatch: async ({ messages }) => {
      for (const m of messages)
        if (wanted(m.headers['event-id'] ?? ''))
          found.push(JSON.parse(new TextDecoder().decode(m.value)) as EventEnvelope)
      await Promise.resolve()
    },
  })
  const deadline = Date.now() + 5000
  while (found.length < expected && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20))
  await consumer.stop()
  return found
}

/** Reads an ExportTraceServiceResponse: partial_success (1) → rejected_spans (1), error_message (2). */
function readProtoResponse(bytes: Uint8Array): { rejected: number; message: string } | undefined {
  const reader = new ProtobufReader(bytes)
  let out: { rejected: number; message: string } | undefined
  while (!reader.done) {
    const { field, wire } = reader.tag()
    if (field !== 1) {
      reader.skip(wire)
      continue
    }
    const inner = reader.message()
    out = { rejected: 0, message: '' }
    while (!inner.done) {
      const t = inner.tag()
      if (t.field === 1) out.rejected = inner.varint()
      else if (t.field === 2) out.message = inner.string()
      else inner.skip(t.wire)
    }
  }
  return out
}

describe.each(busKinds())('POST /v1/otlp/v1/traces on the %s bus', (kind) => {
  beforeAll(async () => {
    h = await openHarness(kind)
  })
  afterAll(async () => {
    await h.close()
  })

  it('turns GenAI spans of an OTLP/JSON export into events on the bus, and reports the rest as ignored', async () => {
    const span = genAiSpan()
    const res = await post(
      JSON.stringify(
        toJson([span, httpSpan()], { 'anansi.category': 'support', 'service.name': 'bot' }),
      ),
      'application/json',
    )
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      partialSuccess: {
        rejectedSpans: 0,
        errorMessage: '1 span(s) ignored: not GenAI model calls',
      },
    })
    const envelope = (await onBus(() => true, 1)).find((e) => e.event.spanId === span.spanId)
    expect(envelope?.projectId).toBe(h.keys.a.projectId)
    expect(envelope?.event).toMatchObject({
      model: { provider: 'openai', name: 'gpt-4o' },
      category: 'support',
      input: { type: 'messages', messages: [{ role: 'user', content: 'Hello' }] },
      output: { type: 'messages', messages: [{ role: 'assistant', content: 'Hi!' }] },
      usage: { inputTokens: 1 },
      latencyMs: 250,
      traceId: span.traceId,
      spanId: span.spanId,
      metadata: { 'service.name': 'bot', 'otel.scope': 'json-scope' },
    })
  })

  it('accepts gzip protobuf, answers in protobuf, and deduplicates a re-sent export', async () => {
    const spans = [genAiSpan({ 'gen_ai.conversation.id': 'c-1' }), genAiSpan(), httpSpan()]
    const body = gzipSync(encodeTraceRequest(spans, { 'service.name': 'proto-bot' }))
    // One replica: it remembers the ids it accepted moments ago (the processor dedupes the rest).
    const api = h.api()
    const gzip = { 'content-encoding': 'gzip' }
    const first = await post(body, 'application/x-protobuf', undefined, gzip, api)
    expect(first.status).toBe(200)
    expect(first.headers.get('content-type')).toBe('application/x-protobuf')
    expect(readProtoResponse(new Uint8Array(await first.arrayBuffer()))).toEqual({
      rejected: 0,
      message: '1 span(s) ignored: not GenAI model calls',
    })
    const again = await post(body, 'application/x-protobuf', undefined, gzip, api)
    expect(again.status).toBe(200)
    const spanIds = new Set(spans.map((s) => s.spanId))
    const envelopes = await onBus((id) => id !== '', 3)
    const ours = envelopes.filter((e) => spanIds.has(e.event.spanId ?? ''))
    expect(ours).toHaveLength(2)
    expect(ours.map((e) => e.event.sessionId)).toContain('c-1')
    expect(ours[0]?.event.metadata).toMatchObject({
      'service.name': 'proto-bot',
      'otel.scope': 'test-scope',
    })
    const metrics = await (await api.app.request('/metrics')).text()
    expect(metrics).toMatch(/anansi_ingest_otlp_spans_total\{outcome="not_genai"\} 2/)
    expect(metrics).toMatch(/anansi_ingest_otlp_spans_total\{outcome="duplicate"\} 2/)
  })

  it('is documented in the OpenAPI document', async () => {
    const doc = (await (await h.api().app.request('/openapi.json')).json()) as {
      paths: Record<string, { post?: { requestBody?: { content?: Record<string, unknown> } } }>
    }
    expect(Object.keys(doc.paths[PATH]?.post?.requestBody?.content ?? {})).toEqual([
      'application/x-protobuf',
      'application/json',
    ])
  })

  it('answers an export of only GenAI spans with an empty response', async () => {
    const res = await post(encodeTraceRequest([genAiSpan()]), 'application/x-protobuf')
    expect(res.status).toBe(200)
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array(0))
    const json = await post(
      JSON.stringify(toJson([genAiSpan()])),
      'application/json; charset=utf-8',
    )
    expect(await json.json()).toEqual({})
  })

  it('needs an ingest key, an OTLP content type and a well-formed body', async () => {
    const body = encodeTraceRequest([genAiSpan()])
    expect((await post(body, 'application/x-protobuf', undefined)).status).toBe(200)
    expect((await post(body, 'application/x-protobuf', '')).status).toBe(401)
    expect((await post(body, 'application/x-protobuf', h.keys.a.read)).status).toBe(403)
    expect((await post(body, 'text/plain')).status).toBe(415)
    expect(
      (await post(body, 'application/x-protobuf', undefined, { 'content-encoding': 'br' })).status,
    ).toBe(415)
    const broken = await post(body.slice(0, body.length - 3), 'application/x-protobuf')
    expect(broken.status).toBe(400)
    expect(await broken.json()).toMatchObject({ error: { code: 'bad_request' } })
    expect((await post('{"resourceSpans": 5}', 'application/json')).status).toBe(400)
    expect((await post('not json', 'application/json')).status).toBe(400)
  })
})
