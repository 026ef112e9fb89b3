/**
 * The platform's end-to-end scenario (issue 7): an application calls a model through the real
 * `openai` / `@anthropic-ai/sdk` clients wrapped by `@anansi/sdk`; the fake provider answers with
 * a toxic text; the platform judges it and the SDK gates the answer inline. Run against each
 * deployment by `embedded.test.ts` and `distributed.test.ts`.
 */
import Anthropic from '@anthropic-ai/sdk'
import { Monitor, UnsafeResponseError, type AnansiError, type WrapOptions } from '@anansi/sdk'
import {
  alertRuleSchema,
  eventSchema,
  uuidv7,
  verdictSchema,
  webhookCreatedSchema,
  type LlmEvent,
  type Verdict,
} from '@anansi/protocol'
import OpenAI from 'openai'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Deployment } from './fixtures/deployments.js'
import { startFakeLlm, type FakeLlm } from './fixtures/fake-llm.js'
import { openSse, type SseReader } from './fixtures/sse-reader.js'
import { startWebhookReceiver, type WebhookReceiver } from './fixtures/webhook-receiver.js'

/** What the lexical toxicity model flags. */
export const TOXIC = 'You are a worthless idiot and I hope you die, you disgusting piece of trash.'
const BENIGN = 'The capital of France is Paris.'
/** A question the platform's input evaluators (jailbreak, harmful request) let through. */
const QUESTION = 'What is the capital of France?'
const FALLBACK = 'Sorry, I cannot answer that.'
/** Long enough for a verdict from a busy 2-core machine; `onTimeout: block` makes a miss visible. */
const GATE = { timeoutMs: 20_000, onTimeout: 'block' } as const
const WAIT_MS = 30_000

/** Runs the scenario's tests against the deployment `start` brings up (and closes afterwards). */
export function safetyScenario(start: () => Promise<Deployment>): void {
  let platform: Deployment
  let llm: FakeLlm
  let hooks: WebhookReceiver
  let sse: SseReader
  let monitor: Monitor
  const sdkErrors: AnansiError[] = []

  const api = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const response = await fetch(`${platform.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${platform.adminKey}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    })
    const text = await response.text()
    return {
      status: response.status,
      body: text === '' ? undefined : (JSON.parse(text) as unknown),
    }
  }

  const openai = (options: WrapOptions): OpenAI =>
    monitor.wrapOpenAI(new OpenAI({ apiKey: 'sk-e2e', baseURL: `${llm.url}/v1`, maxRetries: 0 }), {
      category: 'chatbot',
      ...options,
    })

  const ask = (client: OpenAI) =>
    client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: QUESTION }],
    })

  const askStreaming = async (client: OpenAI): Promise<string> => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: QUESTION }],
      stream: true,
      stream_options: { include_usage: true },
    })
    let text = ''
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    return text
  }

  /** The error a promise rejects with (it must reject). */
  const rejection = async (promise: PromiseLike<unknown>): Promise<unknown> =>
    Promise.resolve(promise).then(
      (value) => {
        throw new Error(`expected a rejection, got ${JSON.stringify(value)}`)
      },
      (error: unknown) => error,
    )

  /** The stored verdict of an event, through the API (long-polling). */
  const storedVerdict = async (eventId: string): Promise<Verdict> => {
    const { status, body } = await api(`/v1/events/${eventId}/verdict?wait=${WAIT_MS}`)
    expect(status).toBe(200)
    return verdictSchema.parse(body)
  }

  /** The event the SSE stream showed with this marker, and the verdict it showed for it. */
  const seenLive = async (marker: string): Promise<{ event: LlmEvent; verdict: Verdict }> => {
    const live = await sse.waitFor(
      (m) => m.event === 'event' && eventSchema.parse(m.data).metadata?.marker === marker,
      WAIT_MS,
    )
    const event = eventSchema.parse(live.data)
    const verdict = await sse.waitFor(
      (m) => m.event === 'verdict' && verdictSchema.parse(m.data).eventId === event.id,
      WAIT_MS,
    )
    return { event, verdict: verdictSchema.parse(verdict.data) }
  }

  const expectToxicVerdict = (verdict: Verdict | undefined): void => {
    expect(verdict).toMatchObject({ safe: false, action: 'block', decidedBy: 'remote' })
    const toxicity = verdict?.evaluations.find(
      (e) => e.evaluator === 'toxicity' && e.target === 'output',
    )
    expect(toxicity).toMatchObject({ flagged: true })
  }

  beforeAll(async () => {
    platform = await start()
    llm = await startFakeLlm(TOXIC)
    hooks = await startWebhookReceiver()
    const webhook = await api('/v1/webhooks', {
      method: 'POST',
      body: { url: hooks.url, eventTypes: ['alert.created'] },
    })
    expect(webhook.status).toBe(201)
    const created = webhookCreatedSchema.parse(webhook.body)
    hooks.secret = created.secret
    const rule = await api('/v1/alert-rules', {
      method: 'POST',
      body: {
        name: 'toxic answers',
        metric: 'evaluator.toxicity.score',
        condition: { type: 'threshold', operator: 'gte', value: 0.5 },
        severity: 'high',
        cooldownSeconds: 0,
        channels: [{ type: 'webhook', webhookId: created.id }],
      },
    })
    expect(rule.status).toBe(201)
    alertRuleSchema.parse(rule.body)
    sse = await openSse(`${platform.url}/v1/stream`, platform.adminKey)
    monitor = new Monitor({
      apiKey: platform.sdkKey,
      endpoint: platform.url,
      batch: { intervalMs: 20 },
      flushOnExit: false,
      opentelemetry: false,
      onError: (error) => sdkErrors.push(error),
    })
    await monitor.warmUp()
  }, 180_000)

  afterAll(async () => {
    await monitor?.shutdown()
    await sse?.close()
    await hooks?.close()
    await llm?.close()
    await platform?.close()
  }, 60_000)

  it('block: a toxic answer throws UnsafeResponseError with the verdict; a benign one is returned', async () => {
    const client = openai({ gate: { mode: 'block', ...GATE } })
    llm.answer = TOXIC
    const error = await rejection(ask(client))
    expect(error).toBeInstanceOf(UnsafeResponseError)
    const unsafe = error as UnsafeResponseError
    expect(unsafe.reason).toBe('unsafe')
    expectToxicVerdict(unsafe.verdict)
    expect(monitor.lastEvaluation).toMatchObject({
      eventId: unsafe.eventId,
      action: 'block',
      decidedBy: 'remote',
    })
    expect((await storedVerdict(unsafe.eventId)).eventId).toBe(unsafe.eventId)

    llm.answer = BENIGN
    const completion = await ask(client)
    expect(completion.choices[0]?.message.content).toBe(BENIGN)
    expect(monitor.lastEvaluation).toMatchObject({
      action: 'allow',
      reason: 'verdict',
      verdict: { safe: true },
    })
  })

  it('fallback: the fallback replaces the toxic answer', async () => {
    llm.answer = TOXIC
    const completion = await ask(
      openai({ gate: { mode: 'fallback', fallback: FALLBACK, ...GATE } }),
    )
    expect(completion.choices[0]?.message.content).toBe(FALLBACK)
    expect(monitor.lastEvaluation).toMatchObject({ action: 'fallback', reason: 'verdict' })
    expectToxicVerdict(monitor.lastEvaluation?.verdict)
  })

  it('observe: the answer is returned unchanged; its verdict is stored, shown on the SSE stream, and an alert fires a signed webhook', async () => {
    llm.answer = TOXIC
    const marker = `observe-${uuidv7()}`
    const completion = await ask(openai({ gate: { mode: 'observe' }, metadata: { marker } }))
    expect(completion.choices[0]?.message.content).toBe(TOXIC)
    await monitor.flush()

    const { event, verdict } = await seenLive(marker)
    expect(event.output).toEqual({
      type: 'messages',
      messages: [{ role: 'assistant', content: TOXIC }],
    })
    expectToxicVerdict(verdict)
    expect(await storedVerdict(event.id)).toEqual(verdict)
    const stored = await api(`/v1/events/${event.id}`)
    expect(stored.status).toBe(200)

    const delivery = await hooks.waitFor(
      (d) => d.payload?.type === 'alert.created' && d.payload.data.alert.eventId === event.id,
      WAIT_MS,
    )
    expect(delivery.verified).toBe(true)
    expect(delivery.payload).toMatchObject({
      type: 'alert.created',
      data: { alert: { metric: 'evaluator.toxicity.score', severity: 'high', status: 'open' } },
    })
    expect(hooks.deliveries.every((d) => d.verified)).toBe(true)
  })

  it('streaming: block throws before any chunk, fallback streams the fallback, observe streams the answer untouched', async () => {
    llm.answer = TOXIC
    const blocked = await rejection(askStreaming(openai({ gate: { mode: 'block', ...GATE } })))
    expect(blocked).toBeInstanceOf(UnsafeResponseError)
    expectToxicVerdict((blocked as UnsafeResponseError).verdict)

    const fallback = openai({ gate: { mode: 'fallback', fallback: FALLBACK, ...GATE } })
    expect(await askStreaming(fallback)).toBe(FALLBACK)

    const marker = `observe-stream-${uuidv7()}`
    expect(await askStreaming(openai({ gate: { mode: 'observe' }, metadata: { marker } }))).toBe(
      TOXIC,
    )
    await monitor.flush()
    const { event, verdict } = await seenLive(marker)
    expect(event.metadata).toMatchObject({ 'anansi.stream': 'done' })
    expect(event.usage?.outputTokens).toBeGreaterThan(0)
    expectToxicVerdict(verdict)
  })

  it('wrapAnthropic: block throws for a toxic message, streamed or not', async () => {
    llm.answer = TOXIC
    const anthropic = monitor.wrapAnthropic(
      new Anthropic({ apiKey: 'sk-ant-e2e', baseURL: llm.url, maxRetries: 0 }),
      { gate: { mode: 'block', ...GATE } },
    )
    const params = {
      model: 'claude-sonnet-4',
      max_tokens: 200,
      messages: [{ role: 'user' as const, content: QUESTION }],
    }
    const error = await rejection(anthropic.messages.create(params))
    expect(error).toBeInstanceOf(UnsafeResponseError)
    expectToxicVerdict((error as UnsafeResponseError).verdict)
    const streamed = await rejection(anthropic.messages.create({ ...params, stream: true }))
    expect(streamed).toBeInstanceOf(UnsafeResponseError)
    llm.answer = BENIGN
    expect(await anthropic.messages.stream(params).finalText()).toBe(BENIGN)
  })

  it('the real ingest API accepted every event the SDK sent, and nothing failed in the background', async () => {
    expect(await monitor.flush()).toBe(true)
    const stats = monitor.stats()
    expect(stats).toMatchObject({ rejected: 0, dropped: 0, queued: 0 })
    expect(stats.sent).toBeGreaterThanOrEqual(10)
    expect(stats.gates).toMatchObject({ timeouts: 0, unavailable: 0 })
    expect(sdkErrors).toEqual([])
    expect(platform.reported).toEqual([])
  })
}
