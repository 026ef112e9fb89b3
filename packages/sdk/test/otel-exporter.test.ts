import * as otel from '@opentelemetry/api'
import {
  BasicTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base'
import { OpenAIInstrumentation } from '@traceloop/instrumentation-openai'
import OpenAI from 'openai'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AnansiSpanExporter } from '../src/otel.js'
import { startFakeProvider, type FakeProvider } from './fixtures/fake-provider.js'
import { startIngestReceiver, type IngestReceiver } from './fixtures/ingest-receiver.js'
import { testMonitor } from './fixtures/test-monitor.js'

let fake: FakeProvider
let receiver: IngestReceiver
beforeAll(async () => {
  fake = await startFakeProvider({ delayMs: 1 })
})
afterAll(async () => {
  await fake.close()
})
beforeEach(async () => {
  receiver = await startIngestReceiver()
})
afterEach(async () => {
  otel.trace.disable()
  expect(receiver.invalid).toEqual([])
  await receiver.close()
})

/** A tracer provider exporting through a fresh AnansiSpanExporter on a fresh monitor. */
function pipeline(options: { opentelemetry?: typeof otel } = {}) {
  const { monitor, errors } = testMonitor(receiver, options)
  const exporter = new AnansiSpanExporter({ monitor, category: 'otel-app' })
  // Compile-time check: it is an OpenTelemetry SpanExporter.
  const asSdkExporter: SpanExporter = exporter
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(asSdkExporter)],
  })
  return { monitor, errors, exporter, provider }
}

describe('AnansiSpanExporter', () => {
  it('turns GenAI spans into events and counts the other spans', async () => {
    const { monitor, exporter, provider } = pipeline()
    const tracer = provider.getTracer('app')
    tracer.startSpan('GET /health', { attributes: { 'http.request.method': 'GET' } }).end()
    const span = tracer.startSpan('chat gpt-4o', {
      kind: otel.SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.input.messages': JSON.stringify([
          { role: 'user', parts: [{ type: 'text', content: 'Hello' }] },
        ]),
      },
    })
    span.setAttributes({
      'gen_ai.output.messages': JSON.stringify([
        { role: 'assistant', parts: [{ type: 'text', content: 'Hi!' }] },
      ]),
      'gen_ai.usage.input_tokens': 1,
      'gen_ai.usage.output_tokens': 2,
    })
    span.end()
    await provider.forceFlush()
    await receiver.waitForEvents(1)
    expect(receiver.events[0]).toMatchObject({
      model: { provider: 'openai', name: 'gpt-4o' },
      category: 'otel-app',
      operation: 'chat',
      input: { type: 'messages', messages: [{ role: 'user', content: 'Hello' }] },
      output: { type: 'messages', messages: [{ role: 'assistant', content: 'Hi!' }] },
      usage: { inputTokens: 1, outputTokens: 2 },
      traceId: span.spanContext().traceId,
      spanId: span.spanContext().spanId,
      sdk: { name: '@anansi/sdk' },
    })
    expect(exporter.stats()).toEqual({
      spans: 2,
      events: 1,
      ignored: { notGenAi: 1, anansiSdk: 0 },
    })
    await provider.shutdown()
    await monitor.shutdown()
  })

  it("ships OpenLLMetry's spans of a real openai client, end to end to the ingest API", async () => {
    const { monitor, provider } = pipeline()
    const instrumentation = new OpenAIInstrumentation()
    instrumentation.setTracerProvider(provider)
    instrumentation.manuallyInstrument(OpenAI)
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${fake.url}/v1`, maxRetries: 0 })
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'say: Paris.' },
      ],
    })
    expect(completion.choices[0]?.message.content).toBe('Paris.')
    await provider.forceFlush()
    await receiver.waitForEvents(1)
    expect(receiver.events[0]).toMatchObject({
      model: { provider: 'openai', name: 'gpt-4o-mini', responseModel: 'gpt-4o-mini-2025' },
      operation: 'chat',
      input: {
        type: 'messages',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'say: Paris.' },
        ],
      },
      output: { type: 'messages', messages: [{ role: 'assistant', content: 'Paris.' }] },
      usage: { inputTokens: 2, outputTokens: 2 },
      status: 'ok',
      metadata: {
        'otel.convention': 'genai',
        'otel.scope': '@traceloop/instrumentation-openai',
        'gen_ai.response.finish_reasons': ['stop'],
      },
    })
    instrumentation.disable()
    await provider.shutdown()
    await monitor.shutdown()
  })

  it("skips the SDK's own spans, which are events already", async () => {
    const { monitor, exporter, provider } = pipeline({ opentelemetry: otel })
    otel.trace.setGlobalTracerProvider(provider)
    const chat = monitor.track((q: string) => Promise.resolve(`echo ${q}`), {
      model: 'm',
      category: 'c',
    })
    await chat('hi')
    await provider.forceFlush()
    await monitor.flush()
    await receiver.waitForEvents(1)
    expect(receiver.events).toHaveLength(1)
    expect(exporter.stats().ignored.anansiSdk).toBe(1)
    await provider.shutdown()
    await monitor.shutdown()
  })

  it('refuses to export after shutdown, and needs a monitor', async () => {
    const { monitor, exporter } = pipeline()
    await exporter.shutdown()
    const results: number[] = []
    exporter.export([], (result) => results.push(result.code))
    expect(results).toEqual([1])
    expect(() => new AnansiSpanExporter({ monitor: {} as typeof monitor })).toThrow(
      'needs a Monitor',
    )
    await monitor.shutdown()
  })
})
