import type { JsonValue } from '@anansi/protocol'
import type { GateOptions } from '../gating/gate-options.js'

/**
 * Options of `wrapOpenAI` / `wrapAnthropic`. Wrapped calls can be observed, blocked, or answered
 * with a fallback text, streamed or not.
 */
export interface WrapOptions {
  /** Category of these calls (a slug); default the monitor's. */
  category?: string
  tags?: string[]
  metadata?: Record<string, JsonValue>
  /**
   * Gate for these calls; default the monitor's gate. A `fallback` is the text of the substitute
   * answer (or a function of the refusal that returns it), put in the provider's own response or
   * stream shape. Under `block` and `fallback` a stream is read to its end and judged before the
   * application sees any of it (see the README); under `observe` it passes through untouched.
   */
  gate?: GateOptions<string>
}

/** Wrap options with the monitor's defaults applied. */
export type WrapSettings = WrapOptions & {
  category: string
  /** The monitor-wide gate, used when the wrap options give none. */
  defaultGate?: GateOptions<unknown> | undefined
}
