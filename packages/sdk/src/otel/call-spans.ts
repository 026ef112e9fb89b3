import type { CallRecord } from '../core/call-record.js'
import type { DebugLogger } from '../core/debug-logger.js'
import type { OtelTraceApi } from '../core/trace-context.js'
import { eventId } from '../event/event-id.js'
import type { LastEvaluation } from '../gating/last-evaluation.js'
import { SDK_NAME, SDK_VERSION } from '../version.js'
import {
  canEmitSpans,
  SPAN_KIND_CLIENT,
  SPAN_STATUS_ERROR,
  type OtelSpan,
  type OtelTracer,
} from './otel-api.js'
import {
  EVENT_ID_ATTRIBUTE,
  endAttributes,
  evaluationEvents,
  gateAttributes,
  spanName,
  startAttributes,
} from './span-attributes.js'

/**
 * Emits one OpenTelemetry span per recorded call, with the GenAI semantic-convention attributes and
 * a `gen_ai.evaluation.result` event per evaluator once a verdict is in. `@opentelemetry/api` is an
 * optional peer loaded in the background; until a tracer provider is registered its spans do not
 * record, and the SDK then does nothing more than ask for one.
 */
export class CallSpans {
  private tracer: OtelTracer | undefined
  private readonly open = new WeakMap<CallRecord, OtelSpan>()

  constructor(
    option: OtelTraceApi | false | undefined,
    load: () => Promise<OtelTraceApi>,
    private readonly debug: DebugLogger,
  ) {
    if (option === false) return
    if (option !== undefined) {
      this.use(option)
      return
    }
    void load().then(
      (api) => this.use(api),
      (error: unknown) => debug('@opentelemetry/api is not installed; calls are not traced', error),
    )
  }

  /**
   * Opens the call's span when a provider records it, and points the event at that span (its
   * trace and span ids, an event id on the span), so the trace and the event find each other.
   */
  start(record: CallRecord): void {
    const tracer = this.tracer
    if (tracer === undefined) return
    const span = tracer.startSpan(spanName(record), {
      kind: SPAN_KIND_CLIENT,
      startTime: record.startedAt,
      attributes: startAttributes(record),
    })
    if (!span.isRecording()) return
    // Observed calls get their id when serialized; a traced one needs it now, for the span.
    span.setAttributes({ [EVENT_ID_ATTRIBUTE]: (record.id ??= eventId(record.startedAt)) })
    const context = span.spanContext()
    record.traceId = context.traceId
    record.spanId = context.spanId
    this.open.set(record, span)
  }

  /** Closes the call's span, with the gate's decision and the verdict's evaluations when there are. */
  finish(record: CallRecord, evaluation?: LastEvaluation): void {
    const span = this.open.get(record)
    if (span === undefined) return
    this.open.delete(record)
    try {
      span.setAttributes(endAttributes(record))
      if (evaluation !== undefined) {
        span.setAttributes(gateAttributes(evaluation))
        for (const event of evaluation.verdict ? evaluationEvents(evaluation.verdict) : [])
          span.addEvent(event.name, event.attributes)
      }
      if (record.status === 'error')
        span.setStatus({ code: SPAN_STATUS_ERROR, message: record.error?.message })
    } finally {
      // The span covers the model call; a gate's wait is on it as `anansi.gate.waited_ms`.
      span.end(record.startedAt + (record.latencyMs ?? 0))
    }
  }

  private use(api: OtelTraceApi): void {
    if (canEmitSpans(api)) this.tracer = api.trace.getTracer(SDK_NAME, SDK_VERSION)
    else this.debug('the opentelemetry option has no trace.getTracer; calls are not traced')
  }
}
