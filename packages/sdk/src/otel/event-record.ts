import type { LlmEvent } from '@anansi/protocol'
import type { CallRecord } from '../core/call-record.js'

/**
 * Lays an event mapped from a span out as a captured call, so it takes the same road as tracked
 * calls: monitor tags and metadata, PII redaction, the `redact` hook, size fitting, the queue.
 */
export function eventToRecord(event: LlmEvent): CallRecord {
  const { sessionId, userId } = event
  return {
    id: event.id,
    startedAt: Date.parse(event.timestamp),
    provider: event.model.provider,
    model: event.model.name,
    responseModel: event.model.responseModel,
    category: event.category,
    operation: event.operation,
    input: event.input,
    inputMap: undefined,
    output: event.output,
    usage: event.usage,
    latencyMs: event.latencyMs,
    status: event.status,
    error: event.error,
    traceId: event.traceId,
    spanId: event.spanId,
    scope:
      sessionId === undefined && userId === undefined
        ? undefined
        : {
            ...(sessionId === undefined ? {} : { sessionId }),
            ...(userId === undefined ? {} : { userId }),
          },
    tags: undefined,
    metadata: event.metadata,
  }
}
