import type { JsonValue } from '../primitives.js'
import type { CallError, LlmEvent, TokenUsage } from '../event.js'
import { GEN_AI } from '../genai-semconv.js'
import { ANANSI_CATEGORY_ATTRIBUTE, ANANSI_EVENT_ID_ATTRIBUTE } from './anansi-attributes.js'
import { MAX_ID_CHARS } from '../limits.js'
import { detectConvention, spanContent, type GenAiConvention } from './span-content.js'
import { spanEventId } from './span-event-id.js'
import { fitSpanEvent } from './span-event-size.js'
import {
  SPAN_STATUS_ERROR,
  firstCount,
  firstString,
  stringAttr,
  type SpanLike,
} from './span-like.js'

/** How spans become events. */
export interface SpanMappingOptions {
  /** Category of events whose span names none (`anansi.category`); default `default`. */
  category?: string
}

/** A span's fate: an event, or ignored (not a GenAI model call, or made by the Anansi SDK). */
export type SpanMapping =
  | { kind: 'event'; event: LlmEvent; convention: GenAiConvention }
  | { kind: 'ignored'; reason: 'not_genai' | 'anansi_sdk' }

// A Map, not an object literal: an operation named `__proto__` must not find Object.prototype.
const OPERATIONS: ReadonlyMap<string, NonNullable<LlmEvent['operation']>> = new Map([
  ['chat', 'chat'],
  ['generate_content', 'chat'],
  ['text_completion', 'completion'],
  ['completion', 'completion'],
  ['embeddings', 'embeddings'],
  ['embedding', 'embeddings'],
  ['execute_tool', 'tool'],
  ['invoke_agent', 'agent'],
  ['create_agent', 'agent'],
])

/** A lowercase slug (`[a-z0-9][a-z0-9_.-]{0,63}`) from free text, or the fallback. */
export function toSlug(value: string | undefined, fallback: string): string {
  const slug = (value ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '_')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 64)
  return slug === '' ? fallback : slug
}

function bounded(value: string | undefined): string | undefined {
  return value === undefined ? undefined : value.slice(0, MAX_ID_CHARS)
}

function operationOf(
  attributes: Readonly<Record<string, unknown>>,
  hasMessages: boolean,
): LlmEvent['operation'] {
  const name = firstString(attributes, GEN_AI.operationName, 'llm.request.type')
  if (name === undefined) return hasMessages ? 'chat' : 'completion'
  return OPERATIONS.get(name.toLowerCase()) ?? 'other'
}

function usageOf(attributes: Readonly<Record<string, unknown>>): TokenUsage | undefined {
  const inputTokens = firstCount(
    attributes,
    GEN_AI.usageInputTokens,
    'gen_ai.usage.prompt_tokens',
    'llm.token_count.prompt',
  )
  const outputTokens = firstCount(
    attributes,
    GEN_AI.usageOutputTokens,
    'gen_ai.usage.completion_tokens',
    'llm.token_count.completion',
  )
  const totalTokens = firstCount(
    attributes,
    'gen_ai.usage.total_tokens',
    'llm.usage.total_tokens',
    'llm.token_count.total',
  )
  const usage: TokenUsage = {
    ...(inputTokens === undefined ? {} : { inputTokens }),
    ...(outputTokens === undefined ? {} : { outputTokens }),
    ...(totalTokens === undefined ? {} : { totalTokens }),
  }
  return Object.keys(usage).length === 0 ? undefined : usage
}

function errorOf(span: SpanLike): CallError | undefined {
  if (span.status?.code !== SPAN_STATUS_ERROR) return undefined
  const exception = span.events?.find((e) => e.name === 'exception')?.attributes ?? {}
  const type =
    firstString(span.attributes, GEN_AI.errorType) ?? stringAttr(exception, 'exception.type')
  const message = span.status.message || stringAttr(exception, 'exception.message') || ''
  return { type: (type ?? 'Error').slice(0, 256), message: message.slice(0, 8192) }
}

function metadataOf(span: SpanLike, convention: GenAiConvention): Record<string, JsonValue> {
  const attributes = span.attributes
  const service =
    span.resource === undefined ? undefined : stringAttr(span.resource, 'service.name')
  const responseId = stringAttr(attributes, GEN_AI.responseId)
  const reasons = attributes[GEN_AI.responseFinishReasons]
  const finish = Array.isArray(reasons)
    ? reasons.filter((r): r is string => typeof r === 'string').slice(0, 16)
    : undefined
  return {
    'otel.convention': convention,
    'otel.span_name': span.name.slice(0, 256),
    ...(span.scope === undefined ? {} : { 'otel.scope': span.scope.slice(0, 256) }),
    ...(service === undefined ? {} : { 'service.name': service.slice(0, 256) }),
    ...(responseId === undefined ? {} : { [GEN_AI.responseId]: responseId.slice(0, 256) }),
    ...(finish === undefined || finish.length === 0
      ? {}
      : { [GEN_AI.responseFinishReasons]: finish }),
  }
}

/** The first instant of year 10000: every earlier one prints as a four-digit-year ISO string. */
const LAST_ISO_MS = Date.UTC(10000, 0, 1)

function lowerHex(value: string, pattern: RegExp): string | undefined {
  const lower = value.toLowerCase()
  return pattern.test(lower) ? lower : undefined
}

/**
 * Maps a finished span to an event when it is a GenAI model call in the OpenTelemetry GenAI
 * conventions, OpenLLMetry's or OpenInference's vocabulary. The event id is derived from the span
 * (see {@link spanEventId}), so re-sent spans deduplicate; the event fits the size limit.
 */
export function spanToEvent(span: SpanLike, options: SpanMappingOptions = {}): SpanMapping {
  const attributes = span.attributes
  if (attributes[ANANSI_EVENT_ID_ATTRIBUTE] !== undefined)
    return { kind: 'ignored', reason: 'anansi_sdk' }
  const convention = detectConvention(attributes)
  if (convention === undefined) return { kind: 'ignored', reason: 'not_genai' }
  const { input, output } = spanContent(span, convention)
  const requestModel = firstString(attributes, GEN_AI.requestModel, 'llm.model_name')
  const responseModel = stringAttr(attributes, GEN_AI.responseModel)
  const model =
    requestModel ??
    responseModel ??
    firstString(attributes, GEN_AI.toolName, GEN_AI.agentName) ??
    'unknown'
  const provider = firstString(
    attributes,
    GEN_AI.providerName,
    GEN_AI.system,
    'llm.provider',
    'llm.system',
  )
  const usage = usageOf(attributes)
  const error = errorOf(span)
  const traceId = lowerHex(span.traceId, /^(?!0{32})[0-9a-f]{32}$/)
  const spanId = lowerHex(span.spanId, /^(?!0{16})[0-9a-f]{16}$/)
  const sessionId = bounded(firstString(attributes, GEN_AI.conversationId, 'session.id'))
  const userId = bounded(firstString(attributes, 'user.id', 'enduser.id'))
  // Zero, negative or absurd start times (a broken clock, a hand-written span) read as now;
  // past year 9999 an ISO timestamp needs a six-digit year the event schema rightly refuses.
  const start =
    span.startTimeMs > 0 && span.startTimeMs < LAST_ISO_MS ? span.startTimeMs : Date.now()
  const event: LlmEvent = {
    id: spanEventId(span.traceId, span.spanId, start),
    timestamp: new Date(start).toISOString(),
    model: {
      provider: toSlug(provider, 'unknown'),
      name: model.slice(0, MAX_ID_CHARS),
      ...(responseModel !== undefined && responseModel !== model
        ? { responseModel: responseModel.slice(0, MAX_ID_CHARS) }
        : {}),
    },
    category: toSlug(
      stringAttr(attributes, ANANSI_CATEGORY_ATTRIBUTE) ?? options.category,
      'default',
    ),
    operation: operationOf(attributes, input.type === 'messages'),
    input,
    ...(output === undefined ? {} : { output }),
    ...(usage === undefined ? {} : { usage }),
    latencyMs: Math.max(0, span.endTimeMs - start) || 0,
    status: error === undefined ? 'ok' : 'error',
    ...(error === undefined ? {} : { error }),
    ...(traceId === undefined ? {} : { traceId }),
    ...(spanId === undefined ? {} : { spanId }),
    ...(sessionId === undefined ? {} : { sessionId }),
    ...(userId === undefined ? {} : { userId }),
    metadata: metadataOf(span, convention),
  }
  return { kind: 'event', event: fitSpanEvent(event), convention }
}
