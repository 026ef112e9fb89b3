import type { Verdict } from '@anansi/protocol'
import { LocalGateError } from '../errors.js'
import {
  isSuite,
  type EvaluatorModuleLike,
  type EvaluatorSuiteLike,
  type LocalCall,
} from './local-evaluator.js'

/** Most evaluations a verdict carries (the protocol's bound). */
const MAX_EVALUATIONS = 64

/**
 * The in-process gate: `@anansi/evaluator`'s suite (lexical tier by default), loaded once on first
 * use or at `warmUp()`, and its decision turned into a `decidedBy: 'local'` verdict.
 */
export class LocalGate {
  private loading: Promise<EvaluatorSuiteLike> | undefined
  private owned = false

  constructor(
    private readonly option:
      EvaluatorSuiteLike | { tiers?: ('lexical' | 'semantic')[] } | undefined,
    private readonly load: (() => Promise<EvaluatorModuleLike>) | undefined,
  ) {}

  /** The suite, loading it the first time; rejects with `LocalGateError` when it cannot load. */
  suite(): Promise<EvaluatorSuiteLike> {
    this.loading ??= this.open()
    return this.loading
  }

  /** Evaluates one call and answers its verdict. */
  async verdict(eventId: string, call: LocalCall, startedAt: number): Promise<Verdict> {
    const suite = await this.suite()
    let result
    try {
      result = await suite.comprehensive(call)
    } catch (cause) {
      throw new LocalGateError(`the local evaluator failed: ${String(cause)}`, cause)
    }
    const now = Date.now()
    return {
      eventId,
      safe: result.decision.safe,
      action: result.decision.action,
      score: Math.min(1, Math.max(0, result.decision.score)),
      evaluations: result.evaluations.slice(0, MAX_EVALUATIONS),
      anomalies: [],
      decidedBy: 'local',
      ...(result.decision.policy ? { policy: result.decision.policy.slice(0, 128) } : {}),
      decidedAt: new Date(now).toISOString(),
      latencyMs: Math.max(0, now - startedAt),
    }
  }

  /** Closes the suite if this gate loaded it. */
  async close(): Promise<void> {
    if (!this.owned || this.loading === undefined) return
    const suite = await this.loading.catch(() => undefined) // a failed load has nothing to close
    await suite?.close?.()
  }

  private async open(): Promise<EvaluatorSuiteLike> {
    if (isSuite(this.option)) return this.option
    if (this.load === undefined)
      throw new LocalGateError(
        'the local gate needs Node and @anansi/evaluator (not available on this runtime)',
      )
    let module: EvaluatorModuleLike
    try {
      module = await this.load()
    } catch (cause) {
      throw new LocalGateError(
        'the local gate needs @anansi/evaluator: npm install @anansi/evaluator',
        cause,
      )
    }
    try {
      const suite = await module.EvaluatorSuite.load({ tiers: this.option?.tiers ?? ['lexical'] })
      this.owned = true
      return suite
    } catch (cause) {
      throw new LocalGateError(`could not load the evaluator models: ${String(cause)}`, cause)
    }
  }
}
