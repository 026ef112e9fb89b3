/**
 * An app instrumented only with OpenTelemetry: no Anansi package. It calls a model and records
 * the call as a span in the OpenTelemetry GenAI semantic conventions, then exports it with the
 * standard OTLP/HTTP exporter to Anansi's OTLP receiver, which turns GenAI spans into events.
 */
import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base'
import type OpenAI from 'openai'

/** Where the spans go and what to ask; `main.ts` fills this from the environment. */
export interface OtelAppOptions {
  /** The Anansi ingest API, e.g. `http://127.0.0.1:8787`. */
  anansiEndpoint: string
  /** An API key with the `ingest` scope. */
  anansiApiKey: string
  openai: OpenAI
  model: string
  question: string
  serviceName?: string
}

/** What the app did: the answer, and the span that carried it (Anansi derives the event id from it). */
export interface OtelAppResult {
  answer: string
  traceId: string
  spanId: string
  /** The span's start, in milliseconds since the epoch. */
  startTimeMs: number
}

/** A tracer provider that batches spans to Anansi's OTLP/HTTP receiver (`/v1/otlp/v1/traces`). */
export function createTracerProvider(options: OtelAppOptions): BasicTracerProvider {
  const exporter = new OTLPTraceExporter({
    url: `${options.anansiEndpoint.replace(/\/$/, '')}/v1/otlp/v1/traces`,
    headers: { authorization: `Bearer ${options.anansiApiKey}` },
  })
  return new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': options.serviceName ?? 'otel-only-example',
    }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  })
}

/** Calls the model inside a GenAI `chat` span holding the messages (Anansi evaluates them). */
export async function tracedChat(
  tracer: Tracer,
  openai: OpenAI,
  model: string,
  question: string,
): Promise<OtelAppResult> {
  const startTimeMs = Date.now()
  const span = tracer.startSpan(`chat ${model}`, {
    kind: SpanKind.CLIENT,
    startTime: startTimeMs,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': model,
      // Message content is opt-in in the conventions; Anansi's evaluators need it.
      'gen_ai.input.messages': JSON.stringify([
        { role: 'user', parts: [{ type: 'text', content: question }] },
      ]),
      'anansi.category': 'otel-app',
    },
  })
  try {
    const completion = await openai.chat.completions.create({
      model,
      messages: [{ role: 'user', content: question }],
    })
    const choice = completion.choices[0]
    const answer = choice?.message.content ?? ''
    span.setAttributes({
      'gen_ai.response.model': completion.model,
      'gen_ai.response.id': completion.id,
      'gen_ai.response.finish_reasons': choice === undefined ? [] : [choice.finish_reason],
      'gen_ai.usage.input_tokens': completion.usage?.prompt_tokens ?? 0,
      'gen_ai.usage.output_tokens': completion.usage?.completion_tokens ?? 0,
      'gen_ai.output.messages': JSON.stringify([
        { role: 'assistant', parts: [{ type: 'text', content: answer }] },
      ]),
    })
    const { traceId, spanId } = span.spanContext()
    return { answer, traceId, spanId, startTimeMs }
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error))
    span.setAttribute('error.type', error instanceof Error ? error.name : 'Error')
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) })
    throw error
  } finally {
    span.end()
  }
}

/** Asks one question inside a span, then shuts the provider down, which exports the span. */
export async function runOtelApp(options: OtelAppOptions): Promise<OtelAppResult> {
  const provider = createTracerProvider(options)
  try {
    const tracer = provider.getTracer('otel-only-example', '1.0.0')
    return await tracedChat(tracer, options.openai, options.model, options.question)
  } finally {
    await provider.shutdown()
  }
}
