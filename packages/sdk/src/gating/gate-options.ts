import type { Verdict } from '@anansi/protocol'
import type { UnsafeReason } from '../errors.js'

/** What a fallback function is told about the refused answer. */
export interface FallbackContext<V> {
  eventId: string
  reason: UnsafeReason
  verdict: Verdict | undefined
  /** The answer the gate refused. */
  original: V
}

/** The substitute answer: a value, or a function of the refusal (a function value must be wrapped in one). */
export type Fallback<V> = V | ((context: FallbackContext<V>) => V | Promise<V>)

/** Settings every gate mode shares. */
export interface GateTiming {
  /** Longest wait for a verdict, in milliseconds (at most 30 000); default 2 000. */
  timeoutMs?: number
  /** What to do when no verdict came in time: `allow` (default, fail open) or `block`. */
  onTimeout?: 'allow' | 'block'
  /** Decide in-process with `@anansi/evaluator` instead of waiting for the platform. */
  local?: boolean
}

/**
 * How answers are gated. `observe` never waits; `block` throws `UnsafeResponseError` on an unsafe
 * verdict; `fallback` returns the fallback instead.
 */
export type GateOptions<V> =
  | ({ mode: 'observe' } & GateTiming)
  | ({ mode: 'block' } & GateTiming)
  | ({ mode: 'fallback'; fallback: Fallback<V> } & GateTiming)

/** A gate with defaults applied. */
export interface ResolvedGate<V> {
  mode: 'observe' | 'block' | 'fallback'
  timeoutMs: number
  onTimeout: 'allow' | 'block'
  local: boolean
  fallback: Fallback<V> | undefined
}

/** Default longest wait for a verdict. */
export const DEFAULT_GATE_TIMEOUT_MS = 2_000

/** Applies defaults; `base` is the monitor-wide gate. */
export function resolveGate<V>(
  gate: GateOptions<V> | undefined,
  base: GateOptions<unknown> | undefined,
): ResolvedGate<V> {
  const chosen = gate ?? base
  const timeout = chosen?.timeoutMs ?? base?.timeoutMs ?? DEFAULT_GATE_TIMEOUT_MS
  return {
    mode: chosen?.mode ?? 'observe',
    timeoutMs: Math.min(
      30_000,
      Math.max(0, Number.isFinite(timeout) ? timeout : DEFAULT_GATE_TIMEOUT_MS),
    ),
    onTimeout: chosen?.onTimeout ?? base?.onTimeout ?? 'allow',
    local: chosen?.local ?? base?.local ?? false,
    // The monitor-wide gate may be a fallback too: its fallback applies where no gate is given.
    fallback: chosen?.mode === 'fallback' ? (chosen.fallback as Fallback<V>) : undefined,
  }
}
