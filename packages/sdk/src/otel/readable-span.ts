import type { SpanLike } from '@anansi/protocol'

/** OpenTelemetry's high-resolution time: seconds and nanoseconds since the epoch. */
export type HrTime = readonly [number, number]

/**
 * The part of an OpenTelemetry SDK `ReadableSpan` the exporter reads; structural, so the SDK needs
 * no runtime dependency on `@opentelemetry/sdk-trace-base`.
 */
export interface ReadableSpanLike {
  readonly name: string
  spanContext(): { traceId: string; spanId: string }
  readonly startTime: HrTime
  readonly endTime: HrTime
  readonly status: { code: number; message?: string }
  readonly attributes: Readonly<Record<string, unknown>>
  readonly events: readonly { name: string; attributes?: Readonly<Record<string, unknown>> }[]
  readonly resource?: { readonly attributes: Readonly<Record<string, unknown>> }
  readonly instrumentationScope?: { readonly name: string }
}

function toMs([seconds, nanos]: HrTime): number {
  return seconds * 1000 + nanos / 1e6
}

/** Lays a `ReadableSpan` out as the protocol's span mapping reads spans. */
export function toSpanLike(span: ReadableSpanLike): SpanLike {
  const { traceId, spanId } = span.spanContext()
  return {
    traceId,
    spanId,
    name: span.name,
    startTimeMs: toMs(span.startTime),
    endTimeMs: toMs(span.endTime),
    attributes: span.attributes,
    status: span.status,
    events: span.events,
    ...(span.resource === undefined ? {} : { resource: span.resource.attributes }),
    ...(span.instrumentationScope === undefined ? {} : { scope: span.instrumentationScope.name }),
  }
}
