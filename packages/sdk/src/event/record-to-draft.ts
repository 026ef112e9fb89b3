import type { JsonValue } from '@anansi/protocol'
import type { CallRecord } from '../core/call-record.js'
import { SDK_NAME, SDK_VERSION } from '../version.js'
import type { EventDraft } from './sanitize-event.js'

/** Monitor-wide additions to every event. */
export interface EventDefaults {
  tags: readonly string[]
  metadata: Readonly<Record<string, JsonValue>>
}

const SDK = { name: SDK_NAME, version: SDK_VERSION } as const

function mergeTags(...lists: (readonly string[] | undefined)[]): string[] | undefined {
  if (lists.every((list) => list === undefined || list.length === 0)) return undefined
  return [...new Set(lists.flatMap((list) => list ?? []))]
}

function mergeMetadata(
  ...maps: (Readonly<Record<string, unknown>> | undefined)[]
): Record<string, unknown> | undefined {
  let merged: Record<string, unknown> | undefined
  for (const map of maps)
    if (map !== undefined && Object.keys(map).length > 0) merged = { ...merged, ...map }
  return merged
}

/** Lays a captured call out as an event draft: monitor, scope and call tags/metadata merged in that order. */
export function recordToDraft(record: CallRecord, defaults: EventDefaults): EventDraft {
  const scope = record.scope
  return {
    id: record.id,
    timestamp: record.startedAt,
    model: { provider: record.provider, name: record.model, responseModel: record.responseModel },
    category: record.category,
    operation: record.operation,
    input: record.inputMap ? record.inputMap(record.input) : record.input,
    output: record.output,
    context: record.context,
    usage: record.usage,
    latencyMs: record.latencyMs,
    timeToFirstTokenMs: record.timeToFirstTokenMs,
    status: record.status,
    error: record.error,
    traceId: record.traceId,
    spanId: record.spanId,
    sessionId: scope?.sessionId,
    userId: scope?.userId,
    tags: mergeTags(defaults.tags, scope?.tags, record.tags),
    metadata: mergeMetadata(defaults.metadata, scope?.metadata, record.metadata),
    gate: record.gate,
    sdk: SDK,
  }
}
