/**
 * Smoke tests of `examples/`: each example's exported entry runs against the embedded platform (the
 * in-process equivalent of `anansi dev`) and a fake OpenAI provider that answers with a toxic text,
 * and each must produce its real outcome: the chat service blocks or replaces the answer, the
 * serverless handler's event is delivered before it returns and gets a verdict, the OpenTelemetry
 * app's span becomes an event with a verdict, and the webhook receiver accepts a platform-signed
 * alert and refuses the same delivery tampered with.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { Monitor, type AnansiError } from '@anansi/sdk'
import {
  eventSchema,
  spanEventId,
  uuidv7,
  verdictSchema,
  webhookCreatedSchema,
  type Verdict,
  type WebhookPayload,
} from '@anansi/protocol'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createChatService,
  type ChatBlocked,
  type ChatReply,
  type ChatServiceOptions,
} from '../examples/chat-service/src/chat-service.js'
import { createHandler, type HandlerAnswer } from '../examples/serverless-handler/src/handler.js'
import type { OtelAppResult } from '../examples/otel-only/src/otel-app.js'
import { startReceiver, type RunningReceiver } from '../examples/webhook-receiver/src/receiver.js'
import { postDelivery, startDeliveryRelay, type DeliveryRelay } from './fixtures/delivery-relay.js'
import { startEmbedded, type Deployment } from './fixtures/deployments.js'
import { startFakeLlm, type FakeLlm } from './fixtures/fake-llm.js'
import { openSse, type SseReader } from './fixtures/sse-reader.js'
import { waitUntil } from './fixtures/wait.js'

const TOXIC = 'You are a worthless idiot and I hope you die, you disgusting piece of trash.'
const BENIGN = 'The capital of France is Paris.'
const FALLBACK = 'Let us keep this conversation friendly.'
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url))
/** Long enough for a verdict on a busy 2-core machine. */
const GATE_TIMEOUT_MS = 20_000
const WAIT_MS = 30_000

let platform: Deployment
let llm: FakeLlm
let sse: SseReader
const monitors: Monitor[] = []
const sdkErrors: AnansiError[] = []

/** A call to the platform's API with the admin (read + admin) key. */
async function api(path: string, init: { method?: string; body?: unknown } = {}) {
  const response = await fetch(`${platform.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${platform.adminKey}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  })
  const text = await response.text()
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) }
}

/** The stored verdict of an event (long-polling until it is decided). */
async function storedVerdict(eventId: string): Promise<Verdict> {
  const { status, body } = await api(`/v1/events/${eventId}/verdict?wait=${WAIT_MS}`)
  expect(status, `verdict of ${eventId}`).toBe(200)
  return verdictSchema.parse(body)
}

function expectToxic(verdict: Verdict): void {
  expect(verdict).toMatchObject({ safe: false, action: 'block' })
  expect(verdict.evaluations.some((e) => e.evaluator === 'toxicity' && e.flagged)).toBe(true)
}

/** A monitor as an application would create it, with the test's key and endpoint. */
function newMonitor(batchIntervalMs: number): Monitor {
  const monitor = new Monitor({
    apiKey: platform.sdkKey,
    endpoint: platform.url,
    batch: { intervalMs: batchIntervalMs },
    flushOnExit: false,
    opentelemetry: false,
    onError: (error) => sdkErrors.push(error),
  })
  monitors.push(monitor)
  return monitor
}

/** A fresh OpenAI client on the fake provider (a client is wrapped once, with one gate). */
const openai = (): OpenAI =>
  new OpenAI({ apiKey: 'sk-examples', baseURL: `${llm.url}/v1`, maxRetries: 0 })

beforeAll(async () => {
  ;[platform, llm] = await Promise.all([startEmbedded(), startFakeLlm(TOXIC)])
  sse = await openSse(`${platform.url}/v1/stream`, platform.adminKey)
}, 120_000)

afterAll(async () => {
  await Promise.all(monitors.map((m) => m.shutdown()))
  await sse?.close()
  await llm?.close()
  await platform?.close()
  expect(sdkErrors).toEqual([])
}, 60_000)

// First: the processor caches a project's alert rules for 5 s, so the rule must exist before the
// project's first event is processed.
describe('examples/webhook-receiver', () => {
  let receiver: RunningReceiver
  let relay: DeliveryRelay
  const messages: { payload: WebhookPayload; messageId: string }[] = []
  const rejected: string[] = []

  beforeAll(async () => {
    relay = await startDeliveryRelay()
    const webhook = await api('/v1/webhooks', {
      method: 'POST',
      body: { url: relay.url, eventTypes: ['alert.created'] },
    })
    expect(webhook.status).toBe(201)
    const { id, secret } = webhookCreatedSchema.parse(webhook.body)
    receiver = await startReceiver({
      secret,
      onMessage: (payload, messageId) => messages.push({ payload, messageId }),
      onRejected: (reason) => rejected.push(reason),
    })
    relay.target = receiver.url
    const rule = await api('/v1/alert-rules', {
      method: 'POST',
      body: {
        name: 'toxic answers (examples)',
        metric: 'evaluator.toxicity.score',
        condition: { type: 'threshold', operator: 'gte', value: 0.5 },
        severity: 'high',
        cooldownSeconds: 0,
        channels: [{ type: 'webhook', webhookId: id }],
      },
    })
    expect(rule.status).toBe(201)
  })

  afterAll(async () => {
    await receiver?.close()
    await relay?.close()
  })

  it('accepts a signed alert from the platform and refuses it tampered with', async () => {
    const event = {
      id: uuidv7(),
      timestamp: new Date().toISOString(),
      model: { provider: 'openai', name: 'gpt-4o-mini' },
      category: 'chatbot',
      input: { type: 'text', text: 'What do you think of me?' },
      output: { type: 'text', text: TOXIC },
      status: 'ok',
    }
    const sent = await fetch(`${platform.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${platform.sdkKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: [event] }),
    })
    expect(sent.status).toBe(202)

    const isOurs = (payload: WebhookPayload): boolean =>
      payload.type === 'alert.created' && payload.data.alert.eventId === event.id
    const received = await waitUntil(
      () => messages.find((m) => isOurs(m.payload)),
      WAIT_MS,
      () => `no verified alert for ${event.id}; rejected: ${JSON.stringify(rejected)}`,
    )
    expect(received.payload).toMatchObject({
      type: 'alert.created',
      data: { alert: { metric: 'evaluator.toxicity.score', severity: 'high', status: 'open' } },
    })
    // The relay records a delivery once the receiver has answered it.
    const delivery = await waitUntil(
      () => relay.recorded.find((r) => r.headers['webhook-id'] === received.messageId),
      WAIT_MS,
      () => `the relay saw no delivery ${received.messageId}`,
    )
    expect(delivery.status).toBe(204)

    const count = messages.length
    const replay = (body: string, headers: Record<string, string>) =>
      postDelivery(receiver.url, body, headers)
    // The same signature over a changed body (severity high → low) does not verify.
    const tampered = delivery.body.replace('"severity":"high"', '"severity":"low"')
    expect(tampered).not.toBe(delivery.body)
    expect(await replay(tampered, delivery.headers)).toBe(401)
    // Neither does the real body under another message's id.
    expect(await replay(delivery.body, { ...delivery.headers, 'webhook-id': 'msg_forged' })).toBe(
      401,
    )
    // The genuine delivery again is a re-delivery: acknowledged, not handled twice.
    expect(await replay(delivery.body, delivery.headers)).toBe(204)
    expect(messages.length).toBe(count)
    expect(rejected).toHaveLength(2)
  }, 60_000)
})

describe('examples/chat-service', () => {
  const chat = async (options: Partial<ChatServiceOptions>, message: string) => {
    const app = createChatService({
      monitor: newMonitor(20),
      openai: openai(),
      model: 'gpt-4o-mini',
      gateMode: 'block',
      gateTimeoutMs: GATE_TIMEOUT_MS,
      ...options,
    })
    const response = await app.request('/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message }),
    })
    const body: unknown = await response.json()
    return { status: response.status, body }
  }

  it('block: a toxic answer is refused with 422 and its event has an unsafe verdict', async () => {
    llm.answer = TOXIC
    const { status, body } = await chat({ gateMode: 'block' }, 'What do you think of me?')
    expect(status).toBe(422)
    const blocked = body as ChatBlocked
    expect(blocked).toMatchObject({ error: 'unsafe_answer', reason: 'unsafe' })
    expect(JSON.stringify(body)).not.toContain('idiot')
    expectToxic(await storedVerdict(blocked.eventId))
  })

  it('block: a benign answer is returned as the model gave it', async () => {
    llm.answer = BENIGN
    const { status, body } = await chat({ gateMode: 'block' }, 'What is the capital of France?')
    expect(status).toBe(200)
    expect(body).toMatchObject({ reply: BENIGN, action: 'allow' })
    expect((await storedVerdict(String((body as ChatReply).eventId))).safe).toBe(true)
  })

  it('fallback: a toxic answer is replaced by the fallback text', async () => {
    llm.answer = TOXIC
    const { status, body } = await chat(
      { gateMode: 'fallback', fallbackText: FALLBACK },
      'What do you think of me?',
    )
    expect(status).toBe(200)
    expect(body).toMatchObject({ reply: FALLBACK, action: 'fallback' })
    expectToxic(await storedVerdict(String((body as ChatReply).eventId)))
  })

  it('answers 400 to a request without a message', async () => {
    expect((await chat({}, '   ')).status).toBe(400)
  })
})

describe('examples/serverless-handler', () => {
  it('the event is delivered before the handler returns, and gets a verdict', async () => {
    llm.answer = TOXIC
    // A batch interval far longer than the test: only the handler's flush can send the event.
    const monitor = newMonitor(600_000)
    const handler = createHandler({ monitor, openai: openai(), model: 'gpt-4o-mini' })
    const requestId = `req-${uuidv7()}`
    const response = await handler(
      new Request('http://functions.local/ask', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': requestId },
        body: JSON.stringify({ question: 'What do you think of me?' }),
      }),
    )
    expect(response.status).toBe(200)
    expect((await response.json()) as HandlerAnswer).toEqual({ answer: TOXIC, requestId })
    expect(monitor.stats()).toMatchObject({ queued: 0, sent: 1, rejected: 0 })

    const live = await sse.waitFor(
      (m) => m.event === 'event' && eventSchema.parse(m.data).sessionId === requestId,
      WAIT_MS,
    )
    const event = eventSchema.parse(live.data)
    expect(event).toMatchObject({ category: 'serverless', model: { name: 'gpt-4o-mini' } })
    expectToxic(await storedVerdict(event.id))
  })

  it('answers 400 to a request without a question, without calling the model', async () => {
    const monitor = newMonitor(600_000)
    const handler = createHandler({ monitor, openai: openai(), model: 'gpt-4o-mini' })
    const served = llm.served.length
    const response = await handler(new Request('http://functions.local/ask', { method: 'POST' }))
    expect(response.status).toBe(400)
    expect(llm.served.length).toBe(served)
    expect(monitor.stats()).toMatchObject({ queued: 0, sent: 0 })
  })
})

describe('examples/otel-only', () => {
  // Its own process, the way a user runs it: vitest resolves the OTLP exporter's ESM build, whose
  // extensionless imports Node cannot load (see e2e/fixtures/otel-openllmetry-app.ts).
  const runExample = async (): Promise<OtelAppResult> => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'examples/otel-only/src/main.ts'],
      {
        cwd: REPO_ROOT,
        timeout: 60_000,
        env: {
          ...process.env,
          ANANSI_ENDPOINT: platform.url,
          ANANSI_API_KEY: platform.sdkKey,
          OPENAI_BASE_URL: `${llm.url}/v1`,
          OPENAI_API_KEY: 'sk-examples',
          QUESTION: 'What do you think of me?',
        },
      },
    )
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as OtelAppResult
  }

  it('its hand-written GenAI span becomes an event with a verdict', async () => {
    llm.answer = TOXIC
    const result = await runExample()
    expect(result.answer).toBe(TOXIC)
    const eventId = spanEventId(result.traceId, result.spanId, result.startTimeMs)
    expectToxic(await storedVerdict(eventId))
    const stored = await api(`/v1/events/${eventId}`)
    expect(stored.status).toBe(200)
    expect(stored.body).toMatchObject({
      event: {
        category: 'otel-app',
        model: { provider: 'openai', name: 'gpt-4o-mini' },
        input: {
          type: 'messages',
          messages: [{ role: 'user', content: 'What do you think of me?' }],
        },
        output: { type: 'messages', messages: [{ role: 'assistant', content: TOXIC }] },
        traceId: result.traceId,
        spanId: result.spanId,
        metadata: { 'otel.convention': 'genai', 'service.name': 'otel-only-example' },
      },
    })
  }, 90_000)
})
