import type { JsonValue, LlmEvent } from '@anansi/protocol'
import type { AnansiError } from './errors.js'
import type { GateOptions } from './gating/gate-options.js'
import type { EvaluatorSuiteLike } from './gating/local-evaluator.js'
import type { OtelTraceApi } from './core/trace-context.js'

/** What a sampler sees about a call before deciding to keep it. */
export interface SampleInfo {
  provider: string
  model: string
  category: string
}

/** Why events were dropped before reaching the API. */
export type DropReason =
  | 'queue_full'
  | 'retries_exhausted'
  | 'non_retriable'
  | 'redaction_failed'
  | 'serialization_failed'
  | 'shutdown'
  | 'disabled'

/** What `onDrop` is told: how many were dropped now, why, and the running total. */
export interface DropInfo {
  reason: DropReason
  count: number
  totalDropped: number
}

/** Options for the built-in PII redactor (`@anansi/evaluator/pii`). */
export interface PiiRedactionOptions {
  /** Masks with this character instead of `[LABEL]` placeholders. */
  maskChar?: string
}

/**
 * Everything `new Monitor()` accepts. Only `apiKey` is needed (or `ANANSI_API_KEY`); the rest have
 * defaults tuned for a web server.
 */
export interface MonitorOptions {
  /** Ingest-scope API key; default `ANANSI_API_KEY`. Without one the monitor runs disabled. */
  apiKey?: string
  /** Base URL of the ingest API; default `ANANSI_ENDPOINT`, else `http://localhost:8787`. */
  endpoint?: string
  /** Turns the monitor off entirely (calls pass straight through); default true. */
  enabled?: boolean
  /** Default category for wrapped clients (a slug such as `chatbot`); default `default`. */
  category?: string
  /** Tags added to every event. */
  tags?: string[]
  /** Metadata added to every event. */
  metadata?: Record<string, JsonValue>
  /** When a batch is sent: whichever of count, bytes or interval comes first. */
  batch?: { maxEvents?: number; maxBytes?: number; intervalMs?: number }
  /** Bound on events waiting to be sent; past it the oldest are dropped and counted. */
  queue?: { maxEvents?: number; maxBytes?: number }
  /** Retries of 429/502/503/504 and network errors: jittered exponential backoff, honouring Retry-After. */
  retry?: { initialDelayMs?: number; maxDelayMs?: number; deadlineMs?: number }
  /** Timeout of one HTTP request, in milliseconds; default 10 000. */
  requestTimeoutMs?: number
  /** How long `shutdown()` may spend flushing; default 5 000 ms. */
  shutdownTimeoutMs?: number
  /** Gzip batch bodies; default true. */
  compression?: boolean
  /** Keep this fraction of observed calls (0..1); gated calls are always kept. */
  sampleRate?: number
  /** Decides per call whether to keep it; wins over `sampleRate`. */
  sampler?: (info: SampleInfo) => boolean
  /** Rewrites each event before it leaves the process; return `null` to drop it. */
  redact?: (event: LlmEvent) => LlmEvent | null
  /** Redacts PII (emails, phones, cards, IBANs, keys…) with `@anansi/evaluator/pii` before sending. */
  redactPii?: boolean | PiiRedactionOptions
  /** Default gate for `track` and the wrapped clients; default observe. */
  gate?: GateOptions<unknown>
  /** The in-process evaluator for `gate.local`: a loaded suite, or tiers to load lazily. */
  evaluator?: EvaluatorSuiteLike | { tiers?: ('lexical' | 'semantic')[] }
  /** The `@opentelemetry/api` module to read trace ids from; found automatically when installed. */
  opentelemetry?: OtelTraceApi | false
  /** Flush when the Node process is about to exit (`beforeExit`); default true. */
  flushOnExit?: boolean
  /** Receives every background failure; the SDK never throws them into application code. */
  onError?: (error: AnansiError) => void
  /** Receives every drop of events, with the running total. */
  onDrop?: (info: DropInfo) => void
  /** Logs what the SDK does: `true` for console.debug, or a function; default `ANANSI_DEBUG`. */
  debug?: boolean | ((message: string, details?: unknown) => void)
  /** The fetch to send with; default the global one. */
  fetch?: typeof fetch
}
