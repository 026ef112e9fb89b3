import type { JsonValue, LlmEvent, TokenUsage } from '@anansi/protocol'
import type { GateOptions } from '../gating/gate-options.js'

/**
 * How `monitor.track` describes and gates a function. `model` and `category` are required; the
 * extractors default to the arguments and the return value.
 */
export interface TrackOptions<A extends unknown[], R> {
  /** The model called (`gen_ai.request.model`). */
  model: string
  /** The provider (`gen_ai.provider.name`, e.g. `openai`); default `unknown`. */
  provider?: string
  /** The application category, a slug such as `chatbot` or `rag`. */
  category: string
  operation?: LlmEvent['operation']
  /** What went in; default the single argument, or the argument list. */
  extractInput?: (...args: A) => unknown
  /** What came out; default the (awaited) return value. */
  extractOutput?: (result: Awaited<R>) => unknown
  /** Retrieval documents the answer should be grounded in. */
  extractContext?: (...args: A) => unknown
  /** Token usage, when the return value carries it. */
  extractUsage?: (result: Awaited<R>) => TokenUsage | undefined
  tags?: string[]
  metadata?: Record<string, JsonValue>
  /** Gating; `block` and `fallback` need an async function. Default: the monitor's gate (observe). */
  gate?: GateOptions<Awaited<R>>
}
