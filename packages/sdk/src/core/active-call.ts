import type { Content, JsonValue, TokenUsage } from '@anansi/protocol'
import type { GateDecision } from '../gating/gatekeeper.js'
import type { ResolvedGate } from '../gating/gate-options.js'
import type { CallRecord } from './call-record.js'
import { describeError } from './describe-error.js'

/** How a call ended, as a wrapper or `track` read it. */
export interface CallOutcome {
  output?: Content
  usage?: TokenUsage
  responseModel?: string
  metadata?: Record<string, JsonValue>
}

/** Where finished calls go (the monitor's recorder). */
export interface CallSink {
  ship(call: ActiveCall): void
  decide(call: ActiveCall): Promise<GateDecision>
}

/**
 * One call in progress. Exactly one of `succeed`, `fail` or `decide` takes effect, so a stream
 * that both ends and is abandoned is still recorded once.
 */
export class ActiveCall {
  private finished = false

  constructor(
    readonly record: CallRecord,
    private readonly t0: number,
    readonly gate: ResolvedGate<unknown>,
    /** Where this call's evaluation goes for `lastEvaluation`; set for gated and locally evaluated calls. */
    readonly holder: { value?: unknown } | undefined,
    private readonly sink: CallSink,
  ) {}

  /** Notes the first streamed token (once). */
  firstToken(): void {
    this.record.timeToFirstTokenMs ??= performance.now() - this.t0
  }

  /** Whether the call was already recorded. */
  get isFinished(): boolean {
    return this.finished
  }

  /** Records a successful call without gating. */
  succeed(outcome: CallOutcome): void {
    if (this.complete(outcome, 'ok')) this.sink.ship(this)
  }

  /** Records a failed call; the caller re-throws the error unchanged. */
  fail(error: unknown, outcome: CallOutcome = {}): void {
    if (this.complete(outcome, 'error')) {
      this.record.error = describeError(error)
      this.sink.ship(this)
    }
  }

  /** Records a successful call and waits for its gate's decision. */
  decide(outcome: CallOutcome): Promise<GateDecision> {
    this.complete(outcome, 'ok')
    return this.sink.decide(this)
  }

  private complete(outcome: CallOutcome, status: 'ok' | 'error'): boolean {
    if (this.finished) return false
    this.finished = true
    const record = this.record
    record.latencyMs = performance.now() - this.t0
    record.status = status
    if (outcome.output !== undefined) record.output = outcome.output
    if (outcome.usage !== undefined) record.usage = outcome.usage
    if (outcome.responseModel !== undefined && outcome.responseModel !== record.model)
      record.responseModel = outcome.responseModel
    if (outcome.metadata !== undefined)
      record.metadata = { ...record.metadata, ...outcome.metadata }
    return true
  }
}
