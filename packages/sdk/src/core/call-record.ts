import type {
  CallError,
  Content,
  GateRequest,
  JsonValue,
  LlmEvent,
  TokenUsage,
} from '@anansi/protocol'

/** The ambient context of a call: what `withContext` set, and where its gate result goes. */
export interface Scope {
  sessionId?: string
  userId?: string
  tags?: readonly string[]
  metadata?: Readonly<Record<string, JsonValue>>
  /** The holder `lastEvaluation` reads; replaced (never mutated across scopes) per gated call. */
  last?: { value?: unknown }
}

/**
 * One tracked call as captured on the hot path: cheap to build, turned into a wire event only
 * when its batch is sent. Content is already snapshotted, so later mutations by the app do not leak in.
 */
export interface CallRecord {
  id: string | undefined
  startedAt: number
  provider: string
  model: string
  responseModel?: string
  category: string
  operation: LlmEvent['operation'] | undefined
  /** A snapshot of what went in, normalized to content when the event is built. */
  input: unknown
  inputMap: ((snapshot: unknown) => unknown) | undefined
  output?: Content
  context?: unknown
  usage?: TokenUsage
  latencyMs?: number
  timeToFirstTokenMs?: number
  status: 'ok' | 'error'
  error?: CallError
  traceId: string | undefined
  spanId: string | undefined
  scope: Scope | undefined
  tags: readonly string[] | undefined
  metadata: Readonly<Record<string, unknown>> | undefined
  gate?: GateRequest
}

function contentChars(content: Content | undefined): number {
  if (content === undefined) return 0
  if (content.type === 'text') return content.text.length
  let chars = 0
  for (const message of content.messages)
    chars +=
      typeof message.content === 'string' ? message.content.length : 64 * message.content.length
  return chars + 64 * content.messages.length
}

/** Characters in a raw input snapshot: strings, lists of messages, or a flat guess for the rest. */
function snapshotChars(value: unknown): number {
  if (typeof value === 'string') return value.length
  if (!Array.isArray(value)) return 256
  let chars = 0
  for (const item of value as unknown[]) {
    const content =
      typeof item === 'object' && item !== null ? (item as { content?: unknown }).content : item
    chars += typeof content === 'string' ? content.length + 32 : 256
  }
  return chars
}

/** A cheap size estimate for the queue's byte bound (exact sizes are measured when serialized). */
export function estimateBytes(record: CallRecord): number {
  return 400 + snapshotChars(record.input) + contentChars(record.output)
}

/** Copies a list so the app can keep mutating its own (pushing the next turn) after the call. */
export function snapshot(value: unknown): unknown {
  return Array.isArray(value) ? value.slice() : value
}
