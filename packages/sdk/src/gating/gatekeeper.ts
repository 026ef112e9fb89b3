import type { JsonValue, Verdict } from '@anansi/protocol'
import { LocalGateError, VerdictChannelError, type AnansiError } from '../errors.js'
import type { DebugLogger } from '../core/debug-logger.js'
import type { ResolvedGate } from './gate-options.js'
import type { GateReason } from './last-evaluation.js'
import type { LocalCall } from './local-evaluator.js'
import type { LocalGate } from './local-gate.js'
import type { VerdictChannel } from './verdict-channel.js'

/** What a gate decided and why. */
export interface GateDecision {
  verdict: Verdict | undefined
  action: 'allow' | 'block'
  reason: GateReason
  decidedBy: 'local' | 'remote'
  waitedMs: number
}

/** One gated call, as the gatekeeper needs it. */
export interface GateRequestInput {
  eventId: string
  startedAt: number
  call: LocalCall
  gate: ResolvedGate<unknown>
  /** Ships the event (urgently); `metadata` records a local decision on the event itself. */
  send: (metadata?: Record<string, JsonValue>) => void
}

type Timed<T> =
  { kind: 'done'; value: T } | { kind: 'timeout' } | { kind: 'failed'; error: unknown }

function within<T>(promise: Promise<T>, ms: number): Promise<Timed<T>> {
  return new Promise((resolve) => {
    // Not unref'd: the application is awaiting this decision, so the process must stay up for it.
    const timer = setTimeout(() => resolve({ kind: 'timeout' }), ms)
    void promise
      .then(
        (value) => resolve({ kind: 'done', value }),
        (error: unknown) => resolve({ kind: 'failed', error }),
      )
      .finally(() => clearTimeout(timer))
  })
}

/** Decides gated calls: locally with the evaluator, or remotely over the verdict channel. */
export class Gatekeeper {
  constructor(
    private readonly local: LocalGate,
    private readonly channel: VerdictChannel | undefined,
    private readonly onError: (error: AnansiError) => void,
    private readonly debug: DebugLogger,
  ) {}

  /** Waits for the decision on one call, following `onTimeout` when no verdict comes in time. */
  async decide(input: GateRequestInput): Promise<GateDecision> {
    const started = performance.now()
    const { verdict, reason, decidedBy } = input.gate.local
      ? await this.decideLocally(input)
      : await this.decideRemotely(input)
    const action = verdict === undefined ? input.gate.onTimeout : verdict.action
    const waitedMs = performance.now() - started
    if (verdict === undefined)
      this.debug(`no verdict for ${input.eventId} (${reason}); onTimeout=${action}`)
    const decision = { verdict, action, reason, decidedBy, waitedMs }
    if (decidedBy === 'local') input.send({ 'anansi.gate': gateRecord(decision, input.gate.mode) })
    return decision
  }

  private async decideLocally(
    input: GateRequestInput,
  ): Promise<Pick<GateDecision, 'verdict' | 'reason' | 'decidedBy'>> {
    const outcome = await within(
      this.local.verdict(input.eventId, input.call, input.startedAt),
      input.gate.timeoutMs,
    )
    if (outcome.kind === 'done')
      return { verdict: outcome.value, reason: 'verdict', decidedBy: 'local' }
    if (outcome.kind === 'failed') {
      const error =
        outcome.error instanceof LocalGateError
          ? outcome.error
          : new LocalGateError(String(outcome.error), outcome.error)
      this.onError(error)
      return { verdict: undefined, reason: 'unavailable', decidedBy: 'local' }
    }
    return { verdict: undefined, reason: 'timeout', decidedBy: 'local' }
  }

  private async decideRemotely(
    input: GateRequestInput,
  ): Promise<Pick<GateDecision, 'verdict' | 'reason' | 'decidedBy'>> {
    if (this.channel === undefined) {
      this.onError(
        new VerdictChannelError('remote gating needs an API key; the call was not gated'),
      )
      input.send()
      return { verdict: undefined, reason: 'unavailable', decidedBy: 'remote' }
    }
    const outcome = await this.channel.wait(input.eventId, input.gate.timeoutMs, () => input.send())
    switch (outcome.kind) {
      case 'verdict':
        return { verdict: outcome.verdict, reason: 'verdict', decidedBy: 'remote' }
      case 'timeout':
        return { verdict: undefined, reason: 'timeout', decidedBy: 'remote' }
      case 'unavailable':
        this.onError(outcome.error)
        return { verdict: undefined, reason: 'unavailable', decidedBy: 'remote' }
    }
  }
}

/** The local decision as it is recorded on the event (`metadata["anansi.gate"]`). */
function gateRecord(decision: GateDecision, mode: string): Record<string, JsonValue> {
  return {
    mode,
    action: decision.action,
    reason: decision.reason,
    decidedBy: decision.decidedBy,
    waitedMs: Math.round(decision.waitedMs * 1000) / 1000,
    ...(decision.verdict ? { safe: decision.verdict.safe, score: decision.verdict.score } : {}),
  }
}
