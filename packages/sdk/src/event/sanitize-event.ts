import {
  MAX_CONTEXT_DOCUMENTS,
  MAX_GATE_TIMEOUT_MS,
  MAX_METADATA_KEYS,
  MAX_TAGS,
  MAX_TAG_CHARS,
  type CallError,
  type ContextDocument,
  type GateRequest,
  type JsonValue,
  type LlmEvent,
  type ModelRef,
  type TokenUsage,
} from '@anansi/protocol'
import { boundedString, cut, shortId, toSlug } from './bounded-text.js'
import { eventId } from './event-id.js'
import { isRecord } from './content-parts.js'
import { toContent } from './content.js'
import { safeKey, toJsonText, toJsonValue } from './json-value.js'

/** Anything that might become an event: every field is checked, nothing is trusted. */
export type EventDraft = { readonly [K in keyof LlmEvent]?: unknown }

const UUID_V7 =
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-7[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/
const DATE = String.raw`(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8])))`
/** RFC 3339 with seconds and an explicit offset, the same rule as the protocol's `timestampSchema`. */
const TIMESTAMP = new RegExp(
  String.raw`^${DATE}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$`,
)
/** 0000-01-01 and 10000-01-01 in epoch milliseconds: the range RFC 3339 can write. */
const YEAR_0 = -62_167_219_200_000
const YEAR_10000 = 253_402_300_800_000
const TRACE_ID = /^(?!0{32})[0-9a-f]{32}$/
const SPAN_ID = /^(?!0{16})[0-9a-f]{16}$/
const OPERATIONS = ['chat', 'completion', 'embeddings', 'tool', 'agent', 'other'] as const

let cachedSecond = Number.NaN
let cachedPrefix = ''

/** `Date#toISOString` with the date-and-seconds part cached: events come many to a second. */
function isoTimestamp(time: number): string {
  const ms = Math.trunc(time) + 0 // as Date does (TimeClip); + 0 turns -0 into 0
  const second = Math.floor(ms / 1000)
  if (second !== cachedSecond) {
    cachedSecond = second
    cachedPrefix = new Date(second * 1000).toISOString().slice(0, -4) // drop "mmmZ"
  }
  return `${cachedPrefix}${String(ms - second * 1000).padStart(3, '0')}Z`
}

function timestamp(value: unknown, now: number): string {
  // The SDK passes epoch milliseconds: no parsing, and usually no Date at all.
  if (typeof value === 'number' && value >= YEAR_0 && value < YEAR_10000) return isoTimestamp(value)
  if (typeof value === 'string' && TIMESTAMP.test(value)) return value
  const parsed = typeof value === 'string' ? Date.parse(value) : NaN
  // Only years 0000-9999 have an RFC 3339 form; anything else is not a time worth keeping.
  return new Date(parsed >= YEAR_0 && parsed < YEAR_10000 ? parsed : now).toISOString()
}

function count(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return undefined
  return Math.min(Math.floor(value), Number.MAX_SAFE_INTEGER)
}

function duration(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined
}

function hexId(value: unknown, pattern: RegExp): string | undefined {
  if (typeof value !== 'string') return undefined
  const lower = value.toLowerCase()
  return pattern.test(lower) ? lower : undefined
}

function modelRef(value: unknown): ModelRef {
  const model = isRecord(value) ? value : { name: value }
  const responseModel = shortId(model.responseModel)
  return {
    provider: toSlug(model.provider, 'unknown'),
    name: shortId(model.name) ?? 'unknown',
    ...(responseModel === undefined ? {} : { responseModel }),
  }
}

function usage(value: unknown): TokenUsage | undefined {
  if (!isRecord(value)) return undefined
  const out: TokenUsage = {}
  for (const key of ['inputTokens', 'outputTokens', 'totalTokens'] as const) {
    const n = count(value[key])
    if (n !== undefined) out[key] = n
  }
  return out
}

function callError(value: unknown): CallError | undefined {
  if (!isRecord(value)) return undefined
  const type = boundedString(value.type, 256)
  const code = typeof value.code === 'number' ? String(value.code) : boundedString(value.code, 256)
  const status = value.httpStatus
  const httpStatus =
    typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599
      ? status
      : undefined
  return {
    type: type === undefined || type.length === 0 ? 'Error' : type,
    message: cut(
      typeof value.message === 'string' ? value.message : toJsonText(value.message ?? ''),
      8192,
    ),
    ...(code === undefined ? {} : { code }),
    ...(httpStatus === undefined ? {} : { httpStatus }),
  }
}

function contextDocument(value: unknown): ContextDocument {
  if (!isRecord(value)) return { content: typeof value === 'string' ? value : toJsonText(value) }
  const id = shortId(value.id)
  const source = boundedString(value.source, 2048)
  return {
    ...(id === undefined ? {} : { id }),
    content: typeof value.content === 'string' ? value.content : toJsonText(value.content ?? ''),
    ...(source === undefined ? {} : { source }),
  }
}

function context(value: unknown): ContextDocument[] | undefined {
  if (value === undefined || value === null) return undefined
  const list = Array.isArray(value) ? value : [value]
  return Array.from(list.slice(0, MAX_CONTEXT_DOCUMENTS), (doc) => contextDocument(doc))
}

function tags(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined
  const out = value
    .filter((tag): tag is string => typeof tag === 'string' && tag.length > 0)
    .map((tag) => cut(tag, MAX_TAG_CHARS))
    .filter((tag) => tag.length > 0)
    .slice(0, MAX_TAGS)
  return out.length === 0 ? undefined : out
}

function metadata(value: unknown): Record<string, JsonValue> | undefined {
  if (!isRecord(value)) return undefined
  const out: Record<string, JsonValue> = {}
  let keys = 0
  for (const [rawKey, child] of Object.entries(value)) {
    if (keys >= MAX_METADATA_KEYS) break
    const key = safeKey(cut(rawKey, 128))
    if (key.length === 0 || child === undefined || Object.hasOwn(out, key)) continue
    out[key] = toJsonValue(child)
    keys += 1
  }
  return out
}

function gate(value: unknown): GateRequest | undefined {
  if (!isRecord(value)) return undefined
  const mode = value.mode
  if (mode !== 'observe' && mode !== 'block' && mode !== 'fallback') return undefined
  const timeout = count(value.timeoutMs)
  const onTimeout =
    value.onTimeout === 'allow' || value.onTimeout === 'block' ? value.onTimeout : undefined
  return {
    mode,
    ...(timeout === undefined ? {} : { timeoutMs: Math.min(timeout, MAX_GATE_TIMEOUT_MS) }),
    ...(onTimeout === undefined ? {} : { onTimeout }),
  }
}

function sdk(value: unknown): LlmEvent['sdk'] {
  if (!isRecord(value)) return undefined
  const name = boundedString(value.name, 64)
  const version = boundedString(value.version, 64)
  return name && version ? { name, version } : undefined
}

function operation(value: unknown): LlmEvent['operation'] {
  return OPERATIONS.find((op) => op === value)
}

/** Adds `key` only when the value exists, so optional fields never appear as `undefined`. */
function put<K extends keyof LlmEvent>(
  event: LlmEvent,
  key: K,
  value: LlmEvent[K] | undefined,
): void {
  if (value !== undefined) event[key] = value
}

/**
 * Turns any draft into an event the protocol accepts (size aside: see `fitEventSize`). Valid
 * fields pass unchanged; invalid ones are repaired (slugged, cut, clamped) or left out.
 */
export function sanitizeEvent(draft: EventDraft, now: number = Date.now()): LlmEvent {
  const id = typeof draft.id === 'string' && UUID_V7.test(draft.id) ? draft.id : eventId(now)
  const event: LlmEvent = {
    id,
    timestamp: timestamp(draft.timestamp, now),
    model: modelRef(draft.model),
    category: toSlug(draft.category, 'default'),
    input: toContent(draft.input),
    status: draft.status === 'error' ? 'error' : 'ok',
  }
  put(event, 'operation', operation(draft.operation))
  if (draft.output !== undefined) event.output = toContent(draft.output)
  put(event, 'context', context(draft.context))
  put(event, 'usage', usage(draft.usage))
  put(event, 'latencyMs', duration(draft.latencyMs))
  put(event, 'timeToFirstTokenMs', duration(draft.timeToFirstTokenMs))
  put(event, 'error', callError(draft.error))
  put(event, 'traceId', hexId(draft.traceId, TRACE_ID))
  put(event, 'spanId', hexId(draft.spanId, SPAN_ID))
  put(event, 'sessionId', shortId(draft.sessionId))
  put(event, 'userId', shortId(draft.userId))
  put(event, 'tags', tags(draft.tags))
  put(event, 'metadata', metadata(draft.metadata))
  put(event, 'gate', gate(draft.gate))
  put(event, 'sdk', sdk(draft.sdk))
  return event
}
