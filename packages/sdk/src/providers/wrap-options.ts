import type { JsonValue } from '@anansi/protocol'
import type { GateTiming } from '../gating/gate-options.js'

/**
 * Options of `wrapOpenAI` / `wrapAnthropic`. Wrapped calls can be observed or blocked; for a
 * fallback answer wrap your own function with `track`.
 */
export interface WrapOptions {
  /** Category of these calls (a slug); default the monitor's. */
  category?: string
  tags?: string[]
  metadata?: Record<string, JsonValue>
  /** Gate for non-streaming calls (streams are observed and passed through untouched). */
  gate?: ({ mode: 'observe' } & GateTiming) | ({ mode: 'block' } & GateTiming)
}
