import type { Verdict } from '@anansi/protocol'

/** Why a gate let an answer through or not. */
export type GateReason = 'verdict' | 'timeout' | 'unavailable'

/**
 * The outcome of the most recent gated (or locally evaluated) call in the current async context,
 * as `monitor.lastEvaluation` returns it.
 */
export interface LastEvaluation {
  eventId: string
  /** The verdict, when one came in time. */
  verdict: Verdict | undefined
  /** What the gate did with the answer: `observe` means it was only evaluated, not gated. */
  action: 'allow' | 'block' | 'fallback' | 'observe'
  /** `timeout`/`unavailable`: no verdict, and `onTimeout` decided. */
  reason: GateReason
  decidedBy: 'local' | 'remote'
  /** How long the application waited for the decision, in milliseconds. */
  waitedMs: number
}
