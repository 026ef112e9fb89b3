/**
 * Writes test-vectors/<schema>/<nn>-<slug>.json. Every expectation below is written by hand: it is
 * the specification other SDKs are tested against, never derived from the zod schemas. Large
 * payloads (limits) are built here rather than typed out.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { MAX_EVENT_BYTES, MAX_EVENTS_PER_BATCH } from '../src/index.js'

type Path = (string | number)[]
interface Vector {
  slug: string
  schema: string
  description: string
  payload?: unknown
  payloadText?: string
  valid: boolean
  paths?: Path[]
}

const ID = '01936d3c-7a1e-7b2c-9d4e-5f6a7b8c9d0e'
const base = {
  id: ID,
  timestamp: '2026-11-25T18:00:00.000Z',
  model: { provider: 'openai', name: 'gpt-4o' },
  category: 'chatbot',
  input: { type: 'text', text: 'Hello' },
  output: { type: 'text', text: 'Hi! How can I help?' },
  status: 'ok',
}
const idAt = (n: number): string => `01936d3c-7a1e-7b2c-9d4e-${n.toString(16).padStart(12, '0')}`
const ev = (patch: Record<string, unknown>): Record<string, unknown> => ({ ...base, ...patch })
const without = (key: string): Record<string, unknown> =>
  Object.fromEntries(Object.entries(base).filter(([k]) => k !== key))

/** Pads an event's output so that its JSON is exactly `bytes` long. */
function eventOfSize(bytes: number): Record<string, unknown> {
  const shell = ev({ output: { type: 'text', text: '' } })
  const overhead = new TextEncoder().encode(JSON.stringify(shell)).byteLength
  return ev({ output: { type: 'text', text: 'a'.repeat(bytes - overhead) } })
}

const evaluation = {
  evaluator: 'toxicity',
  modelId: 'toxicity-lexical',
  modelVersion: '1.0.0',
  tier: 'lexical',
  target: 'output',
  score: 0.91,
  label: 'toxic',
  labels: { toxic: 0.91, hate: 0.12 },
  threshold: 0.5,
  flagged: true,
  latencyMs: 0.4,
}
const anomaly = {
  metric: 'evaluator.toxicity.score',
  model: 'gpt-4o',
  method: 'zscore',
  value: 0.91,
  baseline: 0.05,
  spread: 0.08,
  zScore: 10.75,
  threshold: 3,
  samples: 1200,
  detectedAt: '2026-11-25T18:00:01.000Z',
}
const verdict = {
  eventId: ID,
  safe: false,
  action: 'block',
  score: 0.91,
  evaluations: [evaluation],
  anomalies: [anomaly],
  decidedBy: 'remote',
  decidedAt: '2026-11-25T18:00:00.020Z',
  latencyMs: 20,
}
const alert = {
  id: '5b3f1c2e-8a4d-4e6f-9b1a-2c3d4e5f6a7b',
  ruleId: '6c4e2d3f-9b5e-4f70-8c2b-3d4e5f6a7b8c',
  severity: 'high',
  status: 'open',
  metric: 'evaluator.toxicity.score',
  model: 'gpt-4o',
  value: 0.91,
  message: 'toxicity score z=10.8 above 3',
  eventId: ID,
  anomaly,
  createdAt: '2026-11-25T18:00:01.000Z',
}

const vectors: Vector[] = [
  // ---- events: valid ----
  {
    slug: 'minimal',
    schema: 'event',
    description: 'only the required fields',
    payload: without('output'),
    valid: true,
  },
  {
    slug: 'all-fields',
    schema: 'event',
    description: 'every optional field present',
    valid: true,
    payload: ev({
      model: { provider: 'openai', name: 'gpt-4o', responseModel: 'gpt-4o-2024-08-06' },
      operation: 'chat',
      context: [{ id: 'doc-1', content: 'Paris is the capital of France.', source: 'kb://geo/1' }],
      usage: { inputTokens: 12, outputTokens: 7, totalTokens: 19 },
      latencyMs: 532.5,
      timeToFirstTokenMs: 120,
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      sessionId: 'session-42',
      userId: 'user-7',
      tags: ['prod', 'eu'],
      metadata: { tenant: 'acme', nested: { a: [1, 2, { b: null }] } },
      gate: { mode: 'block', timeoutMs: 250, onTimeout: 'allow' },
      sdk: { name: '@anansi/sdk', version: '0.1.0' },
    }),
  },
  {
    slug: 'messages-conversation',
    schema: 'event',
    description: 'multi-turn messages input with system, user and assistant roles',
    valid: true,
    payload: ev({
      input: {
        type: 'messages',
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'Capital of France?' },
          { role: 'assistant', content: 'Paris.' },
          { role: 'user', content: 'And Spain?' },
        ],
      },
      output: { type: 'messages', messages: [{ role: 'assistant', content: 'Madrid.' }] },
    }),
  },
  {
    slug: 'tool-calls',
    schema: 'event',
    description: 'assistant tool call, tool result message and final answer',
    valid: true,
    payload: ev({
      input: {
        type: 'messages',
        messages: [
          { role: 'user', content: 'Weather in Oslo?' },
          {
            role: 'assistant',
            content: '',
            toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }],
          },
          { role: 'tool', content: '{"tempC":-3}', toolCallId: 'call_1', name: 'get_weather' },
        ],
      },
      output: {
        type: 'messages',
        messages: [{ role: 'assistant', content: 'It is -3 °C in Oslo.' }],
      },
    }),
  },
  {
    slug: 'multipart-content',
    schema: 'event',
    description: 'message content as parts: text plus an image reference (never bytes)',
    valid: true,
    payload: ev({
      input: {
        type: 'messages',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in this picture?' },
              { type: 'image', url: 'https://example.com/cat.png', mediaType: 'image/png' },
              { type: 'file', name: 'notes.pdf', mediaType: 'application/pdf' },
            ],
          },
        ],
      },
    }),
  },
  {
    slug: 'unicode-text',
    schema: 'event',
    description: 'emoji (astral plane), CJK, right-to-left and combining marks survive',
    valid: true,
    payload: ev({
      input: { type: 'text', text: 'こんにちは 👋🏽 مرحبا e\u0301 Ñandú 𝔘𝔫𝔦𝔠𝔬𝔡𝔢' },
      output: { type: 'text', text: '你好！\u200d👩‍👩‍👧' },
      tags: ['日本', 'émoji-✓'],
    }),
  },
  {
    slug: 'timestamp-offset',
    schema: 'event',
    description: 'RFC 3339 timestamp with a non-UTC offset',
    valid: true,
    payload: ev({ timestamp: '2026-11-25T23:30:00+05:30' }),
  },
  {
    slug: 'timestamp-microseconds',
    schema: 'event',
    description: 'fractional seconds beyond milliseconds',
    valid: true,
    payload: ev({ timestamp: '2026-11-25T18:00:00.123456Z' }),
  },
  {
    slug: 'leap-day',
    schema: 'event',
    description: 'a leap day timestamp',
    valid: true,
    payload: ev({ timestamp: '2028-02-29T12:00:00Z' }),
  },
  {
    slug: 'error-status',
    schema: 'event',
    description: 'a failed call: no output, the error recorded',
    valid: true,
    payload: {
      ...without('output'),
      status: 'error',
      error: {
        type: 'RateLimitError',
        message: '429 Too Many Requests',
        code: 'rate_limit_exceeded',
        httpStatus: 429,
      },
    },
  },
  {
    slug: 'empty-output-text',
    schema: 'event',
    description: 'an empty answer is still an answer',
    valid: true,
    payload: ev({ output: { type: 'text', text: '' } }),
  },
  {
    slug: 'zero-usage',
    schema: 'event',
    description: 'zero tokens are allowed',
    valid: true,
    payload: ev({ usage: { inputTokens: 0, outputTokens: 0 }, latencyMs: 0 }),
  },
  {
    slug: 'model-name-at-limit',
    schema: 'event',
    description: 'model name of exactly 256 characters',
    valid: true,
    payload: ev({ model: { provider: 'custom', name: 'm'.repeat(256) } }),
  },
  {
    slug: 'tags-at-limit',
    schema: 'event',
    description: '32 tags of 64 characters each',
    valid: true,
    payload: ev({ tags: Array.from({ length: 32 }, (_, i) => `${i}`.padEnd(64, 't')) }),
  },
  {
    slug: 'lone-surrogate-escape',
    schema: 'event',
    description:
      'a lone surrogate escape is valid JSON and valid for the schema (the store replaces it)',
    valid: true,
    payloadText: JSON.stringify(base).replace('"Hello"', '"Hi \\ud800 there"'),
  },
  // ---- events: invalid ----
  {
    slug: 'missing-id',
    schema: 'event',
    description: 'id is required',
    payload: without('id'),
    valid: false,
    paths: [['id']],
  },
  {
    slug: 'id-uuid-v4',
    schema: 'event',
    description: 'ids must be UUIDv7, not v4',
    payload: ev({ id: '9b2f4c1e-3d5a-4b6c-8d7e-1f2a3b4c5d6e' }),
    valid: false,
    paths: [['id']],
  },
  {
    slug: 'id-not-uuid',
    schema: 'event',
    description: 'id must be a UUID',
    payload: ev({ id: 'evt_123' }),
    valid: false,
    paths: [['id']],
  },
  {
    slug: 'timestamp-no-offset',
    schema: 'event',
    description: 'a timestamp without an offset is ambiguous',
    payload: ev({ timestamp: '2026-11-25T18:00:00' }),
    valid: false,
    paths: [['timestamp']],
  },
  {
    slug: 'timestamp-date-only',
    schema: 'event',
    description: 'a date is not a timestamp',
    payload: ev({ timestamp: '2026-11-25' }),
    valid: false,
    paths: [['timestamp']],
  },
  {
    slug: 'timestamp-number',
    schema: 'event',
    description: 'epoch numbers are not accepted',
    payload: ev({ timestamp: 1764093600000 }),
    valid: false,
    paths: [['timestamp']],
  },
  {
    slug: 'timestamp-impossible-date',
    schema: 'event',
    description: 'February 30th does not exist',
    payload: ev({ timestamp: '2026-02-30T00:00:00Z' }),
    valid: false,
    paths: [['timestamp']],
  },
  {
    slug: 'project-in-body',
    schema: 'event',
    description: 'the project comes from the API key; a body field for it is refused',
    payload: ev({ projectId: 'someone-else' }),
    valid: false,
    paths: [[]],
  },
  {
    slug: 'latency-string',
    schema: 'event',
    description: 'latency must be a number',
    payload: ev({ latencyMs: '12' }),
    valid: false,
    paths: [['latencyMs']],
  },
  {
    slug: 'latency-negative',
    schema: 'event',
    description: 'latency cannot be negative',
    payload: ev({ latencyMs: -1 }),
    valid: false,
    paths: [['latencyMs']],
  },
  {
    slug: 'latency-overflow',
    schema: 'event',
    description: 'a number literal that overflows to Infinity is not finite',
    payloadText: JSON.stringify(ev({ latencyMs: 7 })).replace('"latencyMs":7', '"latencyMs":1e400'),
    valid: false,
    paths: [['latencyMs']],
  },
  {
    slug: 'tokens-fractional',
    schema: 'event',
    description: 'token counts are integers',
    payload: ev({ usage: { inputTokens: 1.5 } }),
    valid: false,
    paths: [['usage', 'inputTokens']],
  },
  {
    slug: 'input-null',
    schema: 'event',
    description: 'input is required and must be an object',
    payload: ev({ input: null }),
    valid: false,
    paths: [['input']],
  },
  {
    slug: 'input-unknown-type',
    schema: 'event',
    description: 'content type must be text or messages',
    payload: ev({ input: { type: 'audio', text: 'x' } }),
    valid: false,
    paths: [['input', 'type']],
  },
  {
    slug: 'messages-empty',
    schema: 'event',
    description: 'a conversation needs at least one message',
    payload: ev({ input: { type: 'messages', messages: [] } }),
    valid: false,
    paths: [['input', 'messages']],
  },
  {
    slug: 'message-role-invalid',
    schema: 'event',
    description: 'unknown message role',
    payload: ev({ input: { type: 'messages', messages: [{ role: 'robot', content: 'beep' }] } }),
    valid: false,
    paths: [['input', 'messages', 0, 'role']],
  },
  {
    slug: 'tool-call-missing-arguments',
    schema: 'event',
    description: 'a tool call must carry its raw arguments',
    payload: ev({
      output: {
        type: 'messages',
        messages: [{ role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'f' }] }],
      },
    }),
    valid: false,
    paths: [['output', 'messages', 0, 'toolCalls', 0, 'arguments']],
  },
  {
    slug: 'model-name-over-limit',
    schema: 'event',
    description: 'model name of 257 characters',
    payload: ev({ model: { provider: 'custom', name: 'm'.repeat(257) } }),
    valid: false,
    paths: [['model', 'name']],
  },
  {
    slug: 'tags-over-limit',
    schema: 'event',
    description: '33 tags',
    payload: ev({ tags: Array.from({ length: 33 }, (_, i) => `t${i}`) }),
    valid: false,
    paths: [['tags']],
  },
  {
    slug: 'tag-too-long',
    schema: 'event',
    description: 'a tag of 65 characters',
    payload: ev({ tags: ['t'.repeat(65)] }),
    valid: false,
    paths: [['tags', 0]],
  },
  {
    slug: 'category-uppercase',
    schema: 'event',
    description: 'categories are lowercase slugs',
    payload: ev({ category: 'ChatBot' }),
    valid: false,
    paths: [['category']],
  },
  {
    slug: 'trace-id-short',
    schema: 'event',
    description: 'trace ids are 32 hex digits',
    payload: ev({ traceId: '4bf92f3577b34da6' }),
    valid: false,
    paths: [['traceId']],
  },
  {
    slug: 'trace-id-zero',
    schema: 'event',
    description: 'the all-zero trace id is invalid in W3C trace context',
    payload: ev({ traceId: '0'.repeat(32) }),
    valid: false,
    paths: [['traceId']],
  },
  {
    slug: 'status-unknown',
    schema: 'event',
    description: 'status is ok or error',
    payload: ev({ status: 'success' }),
    valid: false,
    paths: [['status']],
  },
  {
    slug: 'gate-timeout-over-cap',
    schema: 'event',
    description: 'the gate timeout is capped at 30 s',
    payload: ev({ gate: { mode: 'block', timeoutMs: 30_001 } }),
    valid: false,
    paths: [['gate', 'timeoutMs']],
  },
  {
    slug: 'gate-mode-unknown',
    schema: 'event',
    description: 'unknown gate mode',
    payload: ev({ gate: { mode: 'pray' } }),
    valid: false,
    paths: [['gate', 'mode']],
  },
  {
    slug: 'metadata-too-many-keys',
    schema: 'event',
    description: '65 top-level metadata keys',
    payload: ev({
      metadata: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, i])),
    }),
    valid: false,
    paths: [['metadata']],
  },
  {
    slug: 'several-errors',
    schema: 'event',
    description: 'every failing path is reported, not just the first',
    payload: ev({ id: 'nope', status: 'maybe', usage: { outputTokens: -2 } }),
    valid: false,
    paths: [['id'], ['status'], ['usage', 'outputTokens']],
  },
  // ---- batches ----
  {
    slug: 'single-event',
    schema: 'batch',
    description: 'a batch of one',
    payload: { events: [base] },
    valid: true,
  },
  {
    slug: 'max-events',
    schema: 'batch',
    description: `exactly ${MAX_EVENTS_PER_BATCH} events`,
    payload: {
      events: Array.from({ length: MAX_EVENTS_PER_BATCH }, (_, i) => ev({ id: idAt(i) })),
    },
    valid: true,
  },
  {
    slug: 'event-at-byte-limit',
    schema: 'batch',
    description: `an event of exactly ${MAX_EVENT_BYTES} bytes is accepted`,
    payload: { events: [eventOfSize(MAX_EVENT_BYTES)] },
    valid: true,
  },
  {
    slug: 'event-over-byte-limit',
    schema: 'batch',
    description: `an event of ${MAX_EVENT_BYTES + 1} bytes is rejected on its own`,
    payload: {
      events: [base, eventOfSize(MAX_EVENT_BYTES + 1)].map((e, i) => ({ ...e, id: idAt(i) })),
    },
    valid: false,
    paths: [['events', 1]],
  },
  {
    slug: 'event-over-byte-limit-multibyte',
    schema: 'batch',
    description: 'the limit counts UTF-8 bytes, not characters: 3-byte characters reach it sooner',
    payload: {
      events: [ev({ output: { type: 'text', text: '€'.repeat(Math.ceil(MAX_EVENT_BYTES / 3)) } })],
    },
    valid: false,
    paths: [['events', 0]],
  },
  {
    slug: 'empty',
    schema: 'batch',
    description: 'an empty batch is refused',
    payload: { events: [] },
    valid: false,
    paths: [['events']],
  },
  {
    slug: 'too-many-events',
    schema: 'batch',
    description: `${MAX_EVENTS_PER_BATCH + 1} events`,
    payload: {
      events: Array.from({ length: MAX_EVENTS_PER_BATCH + 1 }, (_, i) => ev({ id: idAt(i) })),
    },
    valid: false,
    paths: [['events']],
  },
  {
    slug: 'not-an-object',
    schema: 'batch',
    description: 'a bare array is not a batch',
    payload: [base],
    valid: false,
    paths: [[]],
  },
  {
    slug: 'mixed-good-and-bad',
    schema: 'batch',
    description: 'one bad event is reported with its index; the good one is unaffected',
    payload: { events: [base, ev({ id: 'bad' })] },
    valid: false,
    paths: [['events', 1, 'id']],
  },
  {
    slug: 'extra-envelope-field',
    schema: 'batch',
    description: 'unknown envelope fields are refused',
    payload: { events: [base], project: 'p' },
    valid: false,
    paths: [[]],
  },
  {
    slug: 'proto-key-in-metadata',
    schema: 'batch',
    description:
      'a "__proto__" key cannot survive JavaScript objects, so it is refused rather than dropped',
    payloadText: JSON.stringify({ events: [ev({ metadata: { a: { x: 1 } } })] }).replace(
      '"x":1',
      '"__proto__":{"admin":true}',
    ),
    valid: false,
    paths: [['events', 0, 'metadata', 'a', '__proto__']],
  },
  // ---- other contracts ----
  {
    slug: 'flagged',
    schema: 'evaluationResult',
    description: 'a flagged toxicity result',
    payload: evaluation,
    valid: true,
  },
  {
    slug: 'pii-spans',
    schema: 'evaluationResult',
    description: 'PII result with spans',
    valid: true,
    payload: {
      ...evaluation,
      evaluator: 'pii',
      modelId: 'pii-rules',
      tier: 'rule',
      label: 'email',
      labels: undefined,
      spans: [{ start: 3, end: 20, label: 'email' }],
    },
  },
  {
    slug: 'missing-threshold',
    schema: 'evaluationResult',
    description: 'threshold is required',
    payload: Object.fromEntries(Object.entries(evaluation).filter(([k]) => k !== 'threshold')),
    valid: false,
    paths: [['threshold']],
  },
  {
    slug: 'unsafe',
    schema: 'verdict',
    description: 'an unsafe remote verdict',
    payload: verdict,
    valid: true,
  },
  {
    slug: 'score-above-one',
    schema: 'verdict',
    description: 'scores are in [0, 1]',
    payload: { ...verdict, score: 1.5 },
    valid: false,
    paths: [['score']],
  },
  {
    slug: 'open',
    schema: 'alert',
    description: 'an open alert with its anomaly',
    payload: alert,
    valid: true,
  },
  {
    slug: 'threshold-rule',
    schema: 'alertRule',
    description: 'a threshold rule with a webhook channel',
    valid: true,
    payload: {
      id: '7d5f3e4a-0c6f-4a81-9d3c-4e5f6a7b8c9d',
      name: 'Toxic answers',
      metric: 'unsafe_rate',
      condition: { type: 'rate', rate: 0.05, windowSeconds: 300, minEvents: 20 },
      severity: 'high',
      cooldownSeconds: 600,
      channels: [{ type: 'webhook', webhookId: '8e6a4f5b-1d70-4b92-8e4d-5f6a7b8c9d0e' }],
      enabled: true,
    },
  },
  {
    slug: 'alert-created',
    schema: 'webhookPayload',
    description: 'an alert.created delivery body',
    payload: {
      type: 'alert.created',
      timestamp: '2026-11-25T18:00:02Z',
      data: { projectId: 'proj_1', alert },
    },
    valid: true,
  },
  {
    slug: 'unknown-type',
    schema: 'webhookPayload',
    description: 'unknown webhook event type',
    payload: { type: 'alert.deleted', timestamp: '2026-11-25T18:00:02Z', data: {} },
    valid: false,
    paths: [['type']],
  },
  {
    slug: 'validation-failed',
    schema: 'errorBody',
    description: 'a 400 body with issues',
    valid: true,
    payload: {
      error: {
        code: 'validation_failed',
        message: '1 event rejected',
        details: {
          issues: [{ path: ['events', 0, 'id'], code: 'invalid_format', message: 'Invalid UUID' }],
        },
      },
    },
  },
  {
    slug: 'unknown-code',
    schema: 'errorBody',
    description: 'error codes are a closed set',
    payload: { error: { code: 'oops', message: 'x' } },
    valid: false,
    paths: [['error', 'code']],
  },
  {
    slug: 'mixed',
    schema: 'batchResponse',
    description: 'a 207 answer: accepted, duplicate and rejected',
    valid: true,
    payload: {
      accepted: 1,
      duplicates: 1,
      rejected: 1,
      results: [
        { index: 0, id: ID, status: 'accepted' },
        { index: 1, id: ID, status: 'duplicate' },
        {
          index: 2,
          id: 'bad',
          status: 'rejected',
          errors: [{ path: ['events', 2, 'id'], code: 'invalid_format', message: 'Invalid UUID' }],
        },
      ],
    },
  },
  {
    slug: 'minimal',
    schema: 'testRunRequest',
    description: 'a built-in suite against an OpenAI model, every default taken',
    valid: true,
    payload: { model: 'gpt-4o', suite: 'harmbench' },
  },
  {
    slug: 'all-fields',
    schema: 'testRunRequest',
    description: 'two suites through jailbreak strategies against an Anthropic-compatible URL',
    valid: true,
    payload: {
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      baseURL: 'https://llm.example.com',
      apiKey: 'sk-ant-example',
      suite: ['harmbench', 'xstest'],
      strategies: ['base64', 'template:dan', 'leetspeak+roleplay'],
      baseline: false,
      concurrency: 8,
      limit: 10,
      params: { temperature: 0, maxTokens: 256 },
      failUnder: 0.9,
    },
  },
  {
    slug: 'suite-file-path',
    schema: 'testRunRequest',
    description: 'suite files are a CLI feature: a path is refused over the API',
    valid: false,
    payload: { model: 'gpt-4o', suite: '../../etc/passwd.json' },
    paths: [['suite']],
  },
  {
    slug: 'several-errors',
    schema: 'testRunRequest',
    description: 'an unknown provider, no concurrency, a non-http base URL, a rate above one',
    valid: false,
    payload: {
      provider: 'azure',
      model: 'gpt-4o',
      suite: 'harmbench',
      baseURL: 'file:///etc/passwd',
      concurrency: 0,
      failUnder: 1.5,
    },
    paths: [['provider'], ['baseURL'], ['concurrency'], ['failUnder']],
  },
  {
    slug: 'unknown-field',
    schema: 'testRunRequest',
    description: 'keys are given inline, never as the name of a server environment variable',
    valid: false,
    payload: { model: 'gpt-4o', suite: 'harmbench', apiKeyEnv: 'OPENAI_API_KEY' },
    paths: [[]],
  },
  {
    slug: 'progress',
    schema: 'testRunSocketMessage',
    description: 'progress after a stored result',
    valid: true,
    payload: {
      type: 'progress',
      runId: ID,
      total: 20,
      done: 3,
      skipped: 0,
      passed: 2,
      failed: 1,
      errors: 0,
      cached: 0,
      last: {
        scenarioKey: 'harmbench_001',
        strategy: 'base64',
        outcome: 'complied',
        passed: false,
      },
      concurrencyLimit: 4,
    },
  },
  {
    slug: 'unknown-type',
    schema: 'testRunSocketMessage',
    description: 'a message type clients do not know',
    valid: false,
    payload: { type: 'log', line: 'hello' },
    paths: [['type']],
  },
]

// `--out DIR` writes elsewhere: the freshness test regenerates into a temp folder and compares.
const outFlag = process.argv.indexOf('--out')
const root =
  outFlag >= 0 && process.argv[outFlag + 1] !== undefined
    ? resolve(process.argv[outFlag + 1] ?? '')
    : join(dirname(fileURLToPath(import.meta.url)), '..', 'test-vectors')
rmSync(root, { recursive: true, force: true })
const counters = new Map<string, number>()
for (const v of vectors) {
  const n = (counters.get(v.schema) ?? 0) + 1
  counters.set(v.schema, n)
  const dir = join(root, v.schema)
  mkdirSync(dir, { recursive: true })
  const { slug, ...rest } = v
  writeFileSync(
    join(dir, `${String(n).padStart(3, '0')}-${slug}.json`),
    `${JSON.stringify(rest, null, 2)}\n`,
  )
}
console.log(`wrote ${vectors.length} vectors to ${root}`)
