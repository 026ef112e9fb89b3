import fc from 'fast-check'
import { MAX_TAGS, MAX_TAG_CHARS, uuidv7 } from '../src/index.js'

// JSON cannot tell -0 from 0, so a -0 would "change" in a round trip without any bug of ours.
const finite = (min?: number): fc.Arbitrary<number> =>
  fc
    .double({ noNaN: true, noDefaultInfinity: true, ...(min === undefined ? {} : { min }) })
    .map((n) => (Object.is(n, -0) ? 0 : n))

const text = fc.string({ unit: 'grapheme', maxLength: 200 })
const slug = fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,20}$/)
const shortId = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
  .filter((s) => s.length <= 256)
const timestamp = fc
  .date({
    min: new Date('1970-01-01T00:00:00Z'),
    max: new Date('2999-12-31T23:59:59Z'),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString())
const hex = (length: number): fc.Arbitrary<string> =>
  fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`)).filter((s) => !/^0+$/.test(s))

const toolCall = fc.record({
  id: shortId,
  name: fc.string({ minLength: 1, maxLength: 50 }),
  arguments: text,
})
const contentPart = fc.oneof(
  fc.record({ type: fc.constant('text' as const), text }),
  fc.record({ type: fc.constant('image' as const), url: fc.webUrl() }, { requiredKeys: ['type'] }),
)
const message = fc.record(
  {
    role: fc.constantFrom('system', 'developer', 'user', 'assistant', 'tool'),
    content: fc.oneof(text, fc.array(contentPart, { maxLength: 3 })),
    name: fc.string({ maxLength: 20 }),
    toolCalls: fc.array(toolCall, { maxLength: 2 }),
    toolCallId: shortId,
  },
  { requiredKeys: ['role', 'content'] },
)
const content = fc.oneof(
  fc.record({ type: fc.constant('text' as const), text }),
  fc.record({
    type: fc.constant('messages' as const),
    messages: fc.array(message, { minLength: 1, maxLength: 4 }),
  }),
)

/** Arbitrary events the schema must accept, exercising every optional field and unicode text. */
export const eventArbitrary = fc.record(
  {
    id: fc.integer({ min: 0, max: 2 ** 47 }).map((ms) => uuidv7(ms)),
    timestamp,
    model: fc.record(
      { provider: slug, name: shortId, responseModel: shortId },
      { requiredKeys: ['provider', 'name'] },
    ),
    category: slug,
    operation: fc.constantFrom('chat', 'completion', 'embeddings', 'tool', 'agent', 'other'),
    input: content,
    output: content,
    context: fc.array(
      fc.record(
        { id: shortId, content: text, source: fc.string({ maxLength: 40 }) },
        { requiredKeys: ['content'] },
      ),
      {
        maxLength: 3,
      },
    ),
    usage: fc.record(
      { inputTokens: fc.nat(), outputTokens: fc.nat(), totalTokens: fc.nat() },
      { requiredKeys: [] },
    ),
    latencyMs: finite(0),
    timeToFirstTokenMs: finite(0),
    status: fc.constantFrom('ok', 'error'),
    error: fc.record({ type: fc.string({ minLength: 1, maxLength: 30 }), message: text }),
    traceId: hex(32),
    spanId: hex(16),
    sessionId: shortId,
    userId: shortId,
    tags: fc.array(
      fc
        .string({ unit: 'grapheme', minLength: 1, maxLength: MAX_TAG_CHARS })
        .filter((s) => s.length <= MAX_TAG_CHARS),
      {
        maxLength: MAX_TAGS,
      },
    ),
    // The wire only ever yields what JSON.parse builds: plain objects, never null-prototype ones.
    metadata: fc
      .dictionary(fc.string({ minLength: 1, maxLength: 20 }), fc.jsonValue({ maxDepth: 3 }), {
        maxKeys: 8,
        noNullPrototype: true,
      })
      .map((v) => JSON.parse(JSON.stringify(v)) as Record<string, unknown>)
      .filter((v) => !JSON.stringify(v).includes('"__proto__"')),
    gate: fc.record(
      {
        mode: fc.constantFrom('observe', 'block', 'fallback'),
        timeoutMs: fc.integer({ min: 0, max: 30_000 }),
      },
      { requiredKeys: ['mode'] },
    ),
  },
  { requiredKeys: ['id', 'timestamp', 'model', 'category', 'input', 'status'] },
)

/** Arbitrary finite numbers without -0 (see above). */
export const finiteNumber = finite
