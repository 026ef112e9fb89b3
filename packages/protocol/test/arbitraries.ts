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

/** Arbitrary RFC 3339 timestamps (UTC, within four-digit years). */
export const timestampArbitrary = timestamp
/** Arbitrary lowercase slugs. */
export const slugArbitrary = slug
/** Arbitrary scores in [0, 1] without -0. */
export const unitScoreArbitrary = fc
  .double({ min: 0, max: 1, noNaN: true })
  .map((n) => (Object.is(n, -0) ? 0 : n))
// JSON values whose keys never include __proto__ (JSON.parse would make it an own key, an object
// literal would not: an artefact of how the test builds values, not of the wire format).
const jsonValue = fc
  .jsonValue({ maxDepth: 2 })
  .map((v) => JSON.parse(JSON.stringify(v)) as unknown)
  .filter((v) => !JSON.stringify(v).includes('"__proto__"'))
const label = fc.string({ minLength: 1, maxLength: 64 }).filter((s) => s !== '__proto__')

/** Arbitrary evaluation results, with every optional field exercised. */
export const evaluationArbitrary = fc.record(
  {
    evaluator: slug,
    modelId: fc.string({ minLength: 1, maxLength: 128 }),
    modelVersion: fc.string({ minLength: 1, maxLength: 64 }),
    tier: fc.constantFrom('lexical', 'semantic', 'rule', 'custom'),
    target: fc.constantFrom('input', 'output', 'both'),
    score: unitScoreArbitrary,
    label,
    labels: fc.dictionary(label, unitScoreArbitrary, { maxKeys: 4 }),
    threshold: unitScoreArbitrary,
    flagged: fc.boolean(),
    latencyMs: finite(0),
    truncated: fc.boolean(),
    spans: fc.array(
      fc.record(
        { start: fc.nat(), end: fc.nat(), label, score: unitScoreArbitrary },
        { requiredKeys: ['start', 'end', 'label'] },
      ),
      { maxLength: 4 },
    ),
    details: jsonValue,
  },
  {
    requiredKeys: [
      'evaluator',
      'modelId',
      'modelVersion',
      'tier',
      'target',
      'score',
      'label',
      'threshold',
      'flagged',
      'latencyMs',
    ],
  },
)

/** Arbitrary z-score anomalies. */
export const anomalyArbitrary = fc.record({
  metric: fc.constantFrom('latency_ms', 'unsafe_rate', 'score.toxicity'),
  model: shortId,
  method: fc.constantFrom('zscore', 'robust_zscore'),
  value: finite(),
  baseline: finite(),
  spread: finite(0),
  zScore: finite(),
  threshold: fc.double({ min: 0.5, max: 10, noNaN: true }),
  samples: fc.nat(),
  detectedAt: timestamp,
})

/** Arbitrary fired alerts. */
export const alertArbitrary = fc.record(
  {
    id: fc.uuid(),
    ruleId: fc.uuid(),
    severity: fc.constantFrom('low', 'medium', 'high', 'critical'),
    status: fc.constantFrom('open', 'acknowledged', 'resolved'),
    metric: fc.string({ minLength: 1, maxLength: 128 }),
    model: shortId,
    value: finite(),
    message: fc.string({ minLength: 1, maxLength: 2048 }),
    eventId: fc.integer({ min: 0, max: 2 ** 47 }).map((ms) => uuidv7(ms)),
    anomaly: anomalyArbitrary,
    createdAt: timestamp,
    acknowledgedAt: timestamp,
  },
  { requiredKeys: ['id', 'severity', 'status', 'metric', 'value', 'message', 'createdAt'] },
)

/** Arbitrary JSON-safe issue paths and messages, as error bodies and batch results carry them. */
export const issueArbitrary = fc.record({
  path: fc.array(fc.oneof(fc.string({ maxLength: 20 }), fc.nat()), { maxLength: 5 }),
  code: fc.string({ minLength: 1, maxLength: 64 }),
  message: fc.string({ maxLength: 1024 }),
})

/** Arbitrary verdicts, evaluations and anomalies included. */
export const verdictArbitrary = fc.record(
  {
    eventId: eventArbitrary.map((e) => e.id),
    safe: fc.boolean(),
    action: fc.constantFrom('allow', 'block'),
    score: unitScoreArbitrary,
    evaluations: fc.array(evaluationArbitrary, { maxLength: 3 }),
    anomalies: fc.array(anomalyArbitrary, { maxLength: 3 }),
    decidedBy: fc.constantFrom('local', 'remote'),
    policy: fc.string({ minLength: 1, maxLength: 128 }),
    decidedAt: timestamp,
    latencyMs: finite(0),
  },
  {
    requiredKeys: [
      'eventId',
      'safe',
      'action',
      'score',
      'evaluations',
      'anomalies',
      'decidedBy',
      'decidedAt',
      'latencyMs',
    ],
  },
)
