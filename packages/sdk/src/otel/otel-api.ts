import type { OtelTraceApi } from '../core/trace-context.js'

/** Attribute values the SDK sets on spans (a subset of `@opentelemetry/api`'s `AttributeValue`). */
export type SpanAttributes = Record<string, string | number | boolean | string[] | undefined>

/** The part of an `@opentelemetry/api` span the SDK uses. */
export interface OtelSpan {
  spanContext(): { traceId: string; spanId: string }
  isRecording(): boolean
  setAttributes(attributes: SpanAttributes): unknown
  addEvent(name: string, attributes?: SpanAttributes): unknown
  setStatus(status: { code: number; message?: string }): unknown
  end(endTime?: number): void
}

/** The part of an `@opentelemetry/api` tracer the SDK uses. */
export interface OtelTracer {
  startSpan(
    name: string,
    options?: { kind?: number; startTime?: number; attributes?: SpanAttributes },
  ): OtelSpan
}

/** `@opentelemetry/api` as far as emitting spans goes: the global tracer provider's tracers. */
export interface OtelSpanApi {
  trace: { getTracer(name: string, version?: string): OtelTracer }
}

/** OpenTelemetry's `SpanKind.CLIENT`: a GenAI call is a call to a remote model. */
export const SPAN_KIND_CLIENT = 2
/** OpenTelemetry's `SpanStatusCode.ERROR`. */
export const SPAN_STATUS_ERROR = 2

/** Whether the module (or the object given as the `opentelemetry` option) can make spans. */
export function canEmitSpans(api: OtelTraceApi | OtelSpanApi): api is OtelSpanApi {
  const trace = (api as { trace?: { getTracer?: unknown } }).trace
  return typeof trace?.getTracer === 'function'
}
