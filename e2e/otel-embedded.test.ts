/**
 * OpenTelemetry both ways, end to end on the embedded platform: spans of an app instrumented with
 * OpenLLMetry reach the platform over OTLP/HTTP (JSON and gzip protobuf, the real exporters) or
 * through `AnansiSpanExporter`, become events and get verdicts; the SDK's own spans carry the
 * verdict's `gen_ai.evaluation.result` events.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { Monitor, UnsafeResponseError } from '@anansi/sdk'
import { AnansiSpanExporter } from '@anansi/sdk/otel'
import { spanEventId, verdictSchema, type Verdict } from '@anansi/protocol'
import * as otel from '@opentelemetry/api'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base'
import { OpenAIInstrumentation } from '@traceloop/instrumentation-openai'
import OpenAI from 'openai'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startEmbedded, type Deployment } from './fixtures/deployments.js'
import { startFakeLlm, type FakeLlm } from './fixtures/fake-llm.js'

const TOXIC = 'You are a worthless idiot and I hope you die, you disgusting piece of trash.'
const QUESTION = 'What is the capital of France?'
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url))

let platform: Deployment
let llm: FakeLlm
beforeAll(async () => {
  ;[platform, llm] = await Promise.all([startEmbedded(), startFakeLlm(TOXIC)])
}, 120_000)
afterAll(async () => {
  await llm.close()
  await platform.close()
})
afterEach(() => {
  otel.trace.disable()
})

const auth = (): Record<string, string> => ({ authorization: `Bearer ${platform.sdkKey}` })
const client = (): OpenAI =>
  new OpenAI({ apiKey: 'sk-test', baseURL: `${llm.url}/v1`, maxRetries: 0 })

async function verdictOf(eventId: string): Promise<Verdict> {
  const response = await fetch(`${platform.url}/v1/events/${eventId}/verdict?wait=25000`, {
    headers: auth(),
  })
  expect(response.status).toBe(200)
  return verdictSchema.parse(await response.json())
}

/** Runs the OpenTelemetry-only app (its own process); answers the event id of its chat span. */
async function runOtlpApp(
  encoding: 'json' | 'protobuf',
): Promise<{ eventId: string; spanId: string }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'e2e/fixtures/otel-openllmetry-app.ts'],
    {
      cwd: REPO_ROOT,
      timeout: 60_000,
      env: {
        ...process.env,
        OTLP_URL: `${platform.url}/v1/otlp/v1/traces`,
        ANANSI_API_KEY: platform.sdkKey,
        LLM_URL: `${llm.url}/v1`,
        OTLP_ENCODING: encoding,
      },
    },
  )
  const span = JSON.parse(stdout.trim()) as { traceId: string; spanId: string; startMs: number }
  return { eventId: spanEventId(span.traceId, span.spanId, span.startMs), spanId: span.spanId }
}

describe('OpenTelemetry into the platform', () => {
  it("OpenLLMetry's spans over OTLP/HTTP JSON become events with verdicts", async () => {
    const { eventId, spanId } = await runOtlpApp('json')
    const verdict = await verdictOf(eventId)
    expect(verdict).toMatchObject({ safe: false, action: 'block', decidedBy: 'remote' })
    expect(verdict.evaluations.some((e) => e.evaluator === 'toxicity' && e.flagged)).toBe(true)
    const stored = await fetch(`${platform.url}/v1/events/${eventId}`, {
      headers: { authorization: `Bearer ${platform.adminKey}` },
    })
    expect(stored.status).toBe(200)
    expect(await stored.json()).toMatchObject({
      event: {
        model: { provider: 'openai', name: 'gpt-4o-mini' },
        input: { type: 'messages', messages: [{ role: 'user', content: QUESTION }] },
        output: { type: 'messages', messages: [{ role: 'assistant', content: TOXIC }] },
        spanId,
        metadata: { 'otel.scope': '@traceloop/instrumentation-openai' },
      },
    })
  })

  it('the OTLP/HTTP protobuf exporter, gzip-compressed, is received the same way', async () => {
    const { eventId } = await runOtlpApp('protobuf')
    expect((await verdictOf(eventId)).safe).toBe(false)
  })

  it('AnansiSpanExporter ships OpenLLMetry spans through the SDK instead', async () => {
    const monitor = new Monitor({
      apiKey: platform.sdkKey,
      endpoint: platform.url,
      opentelemetry: false,
      flushOnExit: false,
      batch: { intervalMs: 10 },
    })
    const exporter = new AnansiSpanExporter({ monitor, category: 'otel-app' })
    const memory = new InMemorySpanExporter()
    const provider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(memory), new SimpleSpanProcessor(exporter)],
    })
    const instrumentation = new OpenAIInstrumentation()
    instrumentation.setTracerProvider(provider)
    instrumentation.manuallyInstrument(OpenAI)
    await client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: QUESTION }],
    })
    await provider.forceFlush()
    await monitor.flush()
    const chat = memory
      .getFinishedSpans()
      .find((s) => s.attributes['gen_ai.operation.name'] === 'chat')
    expect(chat).toBeDefined()
    const { traceId, spanId } = (chat as ReadableSpan).spanContext()
    const start = (chat as ReadableSpan).startTime
    const verdict = await verdictOf(spanEventId(traceId, spanId, start[0] * 1000 + start[1] / 1e6))
    expect(verdict.safe).toBe(false)
    expect(exporter.stats()).toMatchObject({ events: 1 })
    instrumentation.disable()
    await provider.shutdown()
    await monitor.shutdown()
  })
})

describe('OpenTelemetry out of the SDK', () => {
  it("a gated call's span carries the platform verdict as gen_ai.evaluation.result events", async () => {
    const memory = new InMemorySpanExporter()
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] })
    otel.trace.setGlobalTracerProvider(provider)
    const monitor = new Monitor({
      apiKey: platform.sdkKey,
      endpoint: platform.url,
      opentelemetry: otel,
      flushOnExit: false,
    })
    const openai = monitor.wrapOpenAI(client(), {
      category: 'chatbot',
      gate: { mode: 'block', timeoutMs: 25_000, onTimeout: 'allow' },
    })
    const call = openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: QUESTION }],
    })
    await expect(call).rejects.toBeInstanceOf(UnsafeResponseError)
    const span = memory
      .getFinishedSpans()
      .find((s) => s.attributes['anansi.event.id'] !== undefined)
    expect(span?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'anansi.gate.action': 'block',
      'anansi.verdict.safe': false,
    })
    const results = (span?.events ?? []).filter((e) => e.name === 'gen_ai.evaluation.result')
    const verdict = await verdictOf(String(span?.attributes['anansi.event.id']))
    // One event per evaluation of the verdict, with its name, score and label.
    expect(results.map((e) => e.attributes)).toEqual(
      verdict.evaluations.map((e): unknown =>
        expect.objectContaining({
          'gen_ai.evaluation.name': e.evaluator,
          'gen_ai.evaluation.score.value': e.score,
          'gen_ai.evaluation.score.label': e.label,
          'anansi.evaluation.flagged': e.flagged,
        }),
      ),
    )
    const toxicity = results.filter((e) => e.attributes?.['gen_ai.evaluation.name'] === 'toxicity')
    expect(toxicity.some((e) => e.attributes?.['anansi.evaluation.flagged'] === true)).toBe(true)
    await monitor.shutdown()
    await provider.shutdown()
  })
})
