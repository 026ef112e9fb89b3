import type { LlmEvent } from '@anansi/protocol'
import type { CallOutcome } from '../core/active-call.js'

/** Folds streamed chunks into the call's outcome. */
export interface StreamAccumulator {
  /** Takes one chunk; answers whether it carried the first content (for time to first token). */
  add(chunk: unknown): boolean
  outcome(): CallOutcome
}

/** How one provider method (e.g. `chat.completions.create`) reads its params, answers and streams. */
export interface MethodAdapter {
  provider: string
  operation: LlmEvent['operation']
  model(params: Record<string, unknown>): string
  /** Copies what the event needs from the params, cheaply (on the app's path). */
  snapshot(params: Record<string, unknown>): unknown
  /** Turns that snapshot into content-like data (when the event is built, off the app's path). */
  input: (snapshot: unknown) => unknown
  isStream(params: Record<string, unknown>): boolean
  outcome(response: unknown): CallOutcome
  accumulator(): StreamAccumulator
  /** The response with its answer replaced by `text` (a gate's fallback), in the provider's shape. */
  replaceAnswer(response: unknown, text: string): unknown
  /** Stream chunks that carry `text` instead of the buffered answer (a gate's fallback). */
  replaceStream(chunks: readonly unknown[], text: string): unknown[]
}

/** A tree of resources down to the methods to wrap, e.g. `{ chat: { completions: { create } } }`. */
export interface ResourceSpec {
  readonly [key: string]: ResourceSpec | MethodAdapter
}

/** Whether a spec node is a method (rather than a nested resource). */
export function isAdapter(node: ResourceSpec | MethodAdapter): node is MethodAdapter {
  return typeof (node as { outcome?: unknown }).outcome === 'function'
}
