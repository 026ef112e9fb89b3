import * as otel from '@opentelemetry/api'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { later } from './fixtures/later.js'
import { startIngestReceiver, type IngestReceiver } from './fixtures/ingest-receiver.js'
import { testMonitor } from './fixtures/test-monitor.js'
import { UnsafeResponseError } from '../src/node.js'

let receiver: IngestReceiver
let spans: InMemorySpanExporter
let provider: BasicTracerProvider

beforeEach(async () => {
  receiver = await startIngestReceiver()
  spans = new InMemorySpanExporter()
  provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] })
})
afterEach(async () => {
  otel.trace.disable()
  await provider.shutdown()
  expect(receiver.invalid).toEqual([])
  await receiver.close()
})

const answer = (prompt: string): Promise<string> =>
  later(prompt.startsWith('bad') ? `UNSAFE reply to ${prompt}` : `fine reply to ${prompt}`)

describe('spans of tracked calls', () => {
  it('emits nothing and leaves events without trace ids while no tracer provider is registered', async () => {
    const { monitor } = testMonitor(receiver, { opentelemetry: otel })
    const chat = monitor.track(answer, { model: 'gpt-4o', category: 'chatbot' })
    expect(await chat('hello')).toBe('fine reply to hello')
    await monitor.flush()
    await receiver.waitForEvents(1)
    expect(spans.getFinishedSpans()).toEqual([])
    expect(receiver.events[0]?.traceId).toBeUndefined()
    await monitor.shutdown()
  })

  it('emits one GenAI client span per call, and the event points at it', async () => {
    otel.trace.setGlobalTracerProvider(provider)
    const { monitor } = testMonitor(receiver, { opentelemetry: otel })
    const chat = monitor.track(answer, {
      model: 'gpt-4o',
      provider: 'openai',
      category: 'chatbot',
      extractUsage: () => ({ inputTokens: 3, outputTokens: 5 }),
    })
    await monitor.withContext({ sessionId: 'conv-7' }, () => chat('hello'))
    await monitor.flush()
    await receiver.waitForEvents(1)
    const [span] = spans.getFinishedSpans()
    expect(span?.name).toBe('chat gpt-4o')
    expect(span?.kind).toBe(otel.SpanKind.CLIENT)
    expect(span?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o',
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.usage.output_tokens': 5,
      'gen_ai.conversation.id': 'conv-7',
      'anansi.category': 'chatbot',
    })
    expect(span?.status.code).toBe(otel.SpanStatusCode.UNSET)
    // Epoch times, and the span lasts as long as the call did.
    expect(Math.abs((span?.startTime[0] ?? 0) - Date.now() / 1000)).toBeLessThan(60)
    expect(span?.duration[0]).toBe(0)
    expect(span?.duration[1]).toBeGreaterThan(0)
    const event = receiver.events[0]
    expect(event?.id).toBe(span?.attributes['anansi.event.id'])
    expect(event?.traceId).toBe(span?.spanContext().traceId)
    expect(event?.spanId).toBe(span?.spanContext().spanId)
    await monitor.shutdown()
  })

  it('finds @opentelemetry/api by itself when the option is left out', async () => {
    otel.trace.setGlobalTracerProvider(provider)
    const { monitor } = testMonitor(receiver, { opentelemetry: undefined })
    // The optional peer is imported in the background; calls before that are simply not traced.
    await new Promise((resolve) => setTimeout(resolve, 50))
    const chat = monitor.track(answer, { model: 'm', category: 'c', operation: 'completion' })
    await chat('hello')
    expect(spans.getFinishedSpans().map((s) => s.name)).toEqual(['text_completion m'])
    await monitor.shutdown()
  })

  it('marks failed calls as errors with error.type', async () => {
    otel.trace.setGlobalTracerProvider(provider)
    const { monitor } = testMonitor(receiver, { opentelemetry: otel })
    const failing = monitor.track(
      async (): Promise<string> => {
        await later('')
        throw new TypeError('model exploded')
      },
      { model: 'm', category: 'c' },
    )
    await expect(failing()).rejects.toThrow('model exploded')
    const [span] = spans.getFinishedSpans()
    expect(span?.status).toEqual({ code: otel.SpanStatusCode.ERROR, message: 'model exploded' })
    expect(span?.attributes['error.type']).toBe('TypeError')
    await monitor.shutdown()
  })

  it('adds a gen_ai.evaluation.result event per evaluation when a remote verdict arrives', async () => {
    otel.trace.setGlobalTracerProvider(provider)
    const { monitor } = testMonitor(receiver, { opentelemetry: otel })
    await monitor.warmUp()
    const chat = monitor.track(answer, {
      model: 'm',
      category: 'chatbot',
      gate: { mode: 'block', timeoutMs: 2_000 },
    })
    await expect(chat('bad question')).rejects.toBeInstanceOf(UnsafeResponseError)
    const [span] = spans.getFinishedSpans()
    expect(span?.attributes).toMatchObject({
      'anansi.gate.action': 'block',
      'anansi.gate.decided_by': 'remote',
      'anansi.verdict.safe': false,
      'anansi.verdict.score': 0.97,
    })
    expect(span?.events.map((e) => [e.name, e.attributes])).toEqual([
      [
        'gen_ai.evaluation.result',
        expect.objectContaining({
          'gen_ai.evaluation.name': 'toxicity',
          'gen_ai.evaluation.score.value': 0.97,
          'gen_ai.evaluation.score.label': 'toxic',
          'anansi.evaluation.flagged': true,
        }),
      ],
    ])
    await monitor.shutdown()
  })

  it('adds the evaluations of the in-process evaluator to observed calls', async () => {
    otel.trace.setGlobalTracerProvider(provider)
    const { monitor } = testMonitor(receiver, {
      opentelemetry: otel,
      evaluator: {
        comprehensive: () =>
          Promise.resolve({
            evaluations: [
              {
                evaluator: 'pii',
                modelId: 'rules',
                modelVersion: '1',
                tier: 'rule',
                target: 'output',
                score: 0.9,
                label: 'email',
                threshold: 0.5,
                flagged: true,
                latencyMs: 0.1,
              },
            ],
            decision: { safe: false, action: 'block', score: 0.9 },
          }),
      },
    })
    const chat = monitor.track(answer, {
      model: 'm',
      category: 'c',
      gate: { mode: 'observe', local: true },
    })
    expect(await chat('hi')).toBe('fine reply to hi')
    await receiver.waitForEvents(1)
    await monitor.flush()
    const [span] = spans.getFinishedSpans()
    expect(span?.events[0]?.attributes).toMatchObject({
      'gen_ai.evaluation.name': 'pii',
      'gen_ai.evaluation.score.label': 'email',
    })
    expect(span?.attributes['anansi.gate.action']).toBe('observe')
    await monitor.shutdown()
  })
})
