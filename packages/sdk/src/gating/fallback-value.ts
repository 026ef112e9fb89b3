import type { UnsafeReason } from '../errors.js'
import type { Fallback, FallbackContext } from './gate-options.js'
import type { GateDecision } from './gatekeeper.js'

/** Why a decision refused an answer, as `UnsafeResponseError` and fallbacks name it. */
export function refusalReason(decision: GateDecision): UnsafeReason {
  return decision.reason === 'verdict' ? 'unsafe' : decision.reason
}

/** The substitute for a refused answer: the fallback value, or what the fallback function makes of the refusal. */
export async function fallbackValue<V>(
  fallback: Fallback<V> | undefined,
  decision: GateDecision,
  eventId: string,
  original: V,
): Promise<V> {
  if (typeof fallback !== 'function') return fallback as V
  const make = fallback as (context: FallbackContext<V>) => V | Promise<V>
  return make({ eventId, reason: refusalReason(decision), verdict: decision.verdict, original })
}
