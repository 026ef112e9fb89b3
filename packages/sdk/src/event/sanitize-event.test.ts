import { eventByteSize, eventSchema, MAX_EVENT_BYTES, validateEvent } from '@anansi/protocol'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { loadProtocolVectors } from '../../test/fixtures/protocol-vectors.js'
import { fitEventSize } from './fit-event-size.js'
import { sanitizeEvent, type EventDraft } from './sanitize-event.js'

/** What the server does with a serialized event: parse the JSON and validate it. */
function serverAccepts(json: string): boolean {
  return validateEvent(JSON.parse(json), 0).ok
}

const vectors = loadProtocolVectors()

describe('sanitizeEvent against the protocol test vectors', () => {
  it.each(vectors.filter((v) => v.schema === 'event' && v.valid).map((v) => [v.file, v.value]))(
    'leaves the valid event %s exactly as it is',
    (_file, value) => {
      expect(sanitizeEvent(value as EventDraft)).toEqual(value)
    },
  )

  it.each(vectors.filter((v) => v.schema === 'event' && !v.valid).map((v) => [v.file, v.value]))(
    'repairs the invalid event %s into one the API accepts',
    (_file, value) => {
      const draft = typeof value === 'object' && value !== null ? (value as EventDraft) : {}
      const { json } = fitEventSize(sanitizeEvent(draft))
      expect(serverAccepts(json)).toBe(true)
    },
  )

  it('repairs every event of every batch vector', () => {
    const batches = vectors.filter((v) => v.schema === 'batch')
    expect(batches.length).toBeGreaterThan(5)
    for (const vector of batches) {
      const events = (vector.value as { events?: unknown }).events
      for (const event of Array.isArray(events) ? events : []) {
        const draft = typeof event === 'object' && event !== null ? (event as EventDraft) : {}
        expect(serverAccepts(fitEventSize(sanitizeEvent(draft)).json), vector.file).toBe(true)
      }
    }
  })
})

const anyValue = fc.anything({
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withNullPrototype: true,
  withSparseArray: true,
  withUnicodeString: true,
  withObjectString: true,
})
const messageLike = fc.record(
  {
    role: fc.oneof(
      fc.constantFrom('user', 'assistant', 'system', 'tool', 'function', 'model'),
      // Names every plain object answers to: a lookup table must not find them (found by CI).
      fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty'),
      fc.string(),
    ),
    content: fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.array(anyValue, { maxLength: 5 }),
      anyValue,
    ),
    name: anyValue,
    tool_calls: fc.array(anyValue, { maxLength: 3 }),
    tool_call_id: anyValue,
  },
  { requiredKeys: ['role'] },
)
const drafts = fc.record(
  {
    id: fc.oneof(fc.uuid(), anyValue),
    timestamp: fc.oneof(
      fc
        .date({ noInvalidDate: false })
        .map((d) => (Number.isFinite(d.getTime()) ? d.toISOString() : 'bad')),
      anyValue,
    ),
    model: fc.oneof(
      fc.record({ provider: anyValue, name: anyValue, responseModel: anyValue }),
      anyValue,
    ),
    category: fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), anyValue),
    operation: anyValue,
    input: fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.array(messageLike, { maxLength: 5 }),
      anyValue,
    ),
    output: fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.array(messageLike, { maxLength: 3 }),
      anyValue,
    ),
    context: anyValue,
    usage: fc.oneof(
      fc.record({ inputTokens: fc.double(), outputTokens: anyValue, totalTokens: fc.integer() }),
      anyValue,
    ),
    latencyMs: fc.oneof(fc.double(), anyValue),
    timeToFirstTokenMs: fc.oneof(fc.double(), anyValue),
    status: anyValue,
    error: fc.oneof(
      fc.record({ type: anyValue, message: anyValue, code: anyValue, httpStatus: fc.integer() }),
      anyValue,
    ),
    traceId: fc.oneof(fc.stringMatching(/^[0-9a-fA-F]{32}$/), anyValue),
    spanId: fc.oneof(fc.stringMatching(/^[0-9a-f]{16}$/), anyValue),
    sessionId: anyValue,
    userId: anyValue,
    tags: fc.oneof(
      fc.array(fc.string({ unit: 'binary', maxLength: 80 }), { maxLength: 40 }),
      anyValue,
    ),
    metadata: fc.oneof(
      fc.dictionary(fc.string({ unit: 'binary' }), anyValue, { maxKeys: 80 }),
      anyValue,
    ),
    gate: fc.oneof(
      fc.record({
        mode: fc.constantFrom('observe', 'block', 'fallback', 'x'),
        timeoutMs: fc.integer(),
        onTimeout: anyValue,
      }),
      anyValue,
    ),
    sdk: anyValue,
  },
  { requiredKeys: [] },
)

describe('the serializer never produces an invalid event', () => {
  it('from any draft at all (property)', () => {
    fc.assert(
      fc.property(drafts, (draft) => {
        const event = sanitizeEvent(draft)
        expect(eventSchema.safeParse(event).success).toBe(true)
        const { json, bytes } = fitEventSize(event)
        expect(bytes).toBe(eventByteSize(JSON.parse(json)))
        expect(bytes).toBeLessThanOrEqual(MAX_EVENT_BYTES)
        expect(serverAccepts(json)).toBe(true)
      }),
      { numRuns: 400, examples: [[{ input: [{ role: '__proto__' }] }]] },
    )
  })

  it('fits events far over the size limit by cutting the longest texts', () => {
    const huge = 'é'.repeat(400_000)
    const event = sanitizeEvent({ input: huge, output: 'short answer', metadata: { note: huge } })
    const { json, bytes } = fitEventSize(event)
    expect(bytes).toBeLessThanOrEqual(MAX_EVENT_BYTES)
    expect(bytes).toBeGreaterThan(MAX_EVENT_BYTES - 1024) // cut no more than needed
    const fitted = JSON.parse(json) as { output: unknown; input: { text: string } }
    expect(fitted.output).toEqual({ type: 'text', text: 'short answer' })
    expect(fitted.input.text.endsWith('…')).toBe(true)
    expect(serverAccepts(json)).toBe(true)
  })

  it('fits a conversation of a thousand long messages', () => {
    const messages = Array.from({ length: 2_000 }, (_, i) => ({
      role: i % 2 ? 'assistant' : 'user',
      content: `${i} `.repeat(400),
    }))
    const { json, bytes } = fitEventSize(sanitizeEvent({ input: messages }))
    expect(bytes).toBeLessThanOrEqual(MAX_EVENT_BYTES)
    expect(serverAccepts(json)).toBe(true)
  })

  it('fits even when messages carry hundreds of image URLs', () => {
    const parts = Array.from({ length: 300 }, () => ({
      type: 'image_url',
      image_url: { url: `https://x.test/${'a'.repeat(4000)}` },
    }))
    const { json, bytes } = fitEventSize(
      sanitizeEvent({ input: [{ role: 'user', content: parts }] }),
    )
    expect(bytes).toBeLessThanOrEqual(MAX_EVENT_BYTES)
    expect(serverAccepts(json)).toBe(true)
  })

  it('renames __proto__ keys instead of letting them vanish or pollute', () => {
    const metadata = JSON.parse(
      '{"__proto__":{"polluted":true},"nested":{"__proto__":1}}',
    ) as unknown
    const { json } = fitEventSize(sanitizeEvent({ metadata }))
    expect(serverAccepts(json)).toBe(true)
    expect(JSON.parse(json)).toMatchObject({
      metadata: { _proto_: { polluted: true }, nested: { _proto_: 1 } },
    })
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined()
  })
})

describe('timestamps', () => {
  it('formats epoch milliseconds exactly as Date#toISOString does', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }),
          fc.double({ min: -1e6, max: 1e13, noNaN: true }),
        ),
        (ms) => {
          expect(sanitizeEvent({ timestamp: ms }).timestamp).toBe(new Date(ms).toISOString())
        },
      ),
    )
    for (const ms of [
      0, -0, 0.5, -0.5, 5e-324, 999, 1_000, 1_764_093_600_123.9, -1, -62_167_219_200_000,
    ])
      expect(sanitizeEvent({ timestamp: ms }).timestamp).toBe(new Date(ms).toISOString())
  })
})
