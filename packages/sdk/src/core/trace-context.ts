import type { DebugLogger } from './debug-logger.js'

/** The part of `@opentelemetry/api` the SDK reads: the active span's ids. */
export interface OtelTraceApi {
  trace: { getActiveSpan(): { spanContext(): { traceId: string; spanId: string } } | undefined }
}

/** Trace and span ids of the active OpenTelemetry span. */
export interface TraceIds {
  traceId: string
  spanId: string
}

const INVALID_TRACE = '00000000000000000000000000000000'

/**
 * Reads trace/span ids from the active OpenTelemetry context. `@opentelemetry/api` is an optional
 * peer: it is imported once in the background and, until then (or without it), events carry no ids.
 */
export class TraceContextReader {
  private api: OtelTraceApi | undefined

  constructor(
    option: OtelTraceApi | false | undefined,
    load: () => Promise<OtelTraceApi>,
    debug: DebugLogger,
  ) {
    if (option === false) return
    if (option !== undefined) {
      this.api = option
      return
    }
    void load().then(
      (api) => {
        this.api = api
      },
      (error: unknown) =>
        debug('@opentelemetry/api is not installed; events carry no trace ids', error),
    )
  }

  /** Ids of the active span, or undefined when there is none (or no OpenTelemetry). */
  current(): TraceIds | undefined {
    const span = this.api?.trace.getActiveSpan()
    if (span === undefined) return undefined
    const { traceId, spanId } = span.spanContext()
    return traceId === INVALID_TRACE ? undefined : { traceId, spanId }
  }
}
