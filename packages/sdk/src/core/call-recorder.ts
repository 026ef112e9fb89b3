import type { LlmEvent } from '@anansi/protocol'
import { HookError, LocalGateError, type AnansiError } from '../errors.js'
import { eventId as newEventId } from '../event/event-id.js'
import type { GateDecision, Gatekeeper } from '../gating/gatekeeper.js'
import type { ResolvedGate } from '../gating/gate-options.js'
import type { LastEvaluation } from '../gating/last-evaluation.js'
import type { LocalGate } from '../gating/local-gate.js'
import type { DropReason } from '../options.js'
import type { ContextStorage } from '../platform/platform.js'
import type { BatchExporter } from '../transport/batch-exporter.js'
import { ActiveCall, type CallSink } from './active-call.js'
import { estimateBytes, type CallRecord, type Scope } from './call-record.js'
import { toLocalCall } from './local-call.js'
import type { CallSpans } from '../otel/call-spans.js'
import type { ResolvedConfig } from './resolve-options.js'
import type { TraceContextReader } from './trace-context.js'

/** What stays the same across calls of one tracked function or wrapped method; built once. */
export interface CallSite {
  provider?: string
  category?: string
  operation?: LlmEvent['operation']
  tags?: readonly string[]
  metadata?: Readonly<Record<string, unknown>>
  gate: ResolvedGate<unknown>
  /** Turns the input snapshot into content-like data when the event is built (off the hot path). */
  inputMap?: (snapshot: unknown) => unknown
}

/** Gate counters for `stats()`. */
export interface GateCounters {
  decided: number
  blocked: number
  timeouts: number
  unavailable: number
}

/** The parts a recorder works with; the monitor builds them. */
export interface RecorderParts {
  config: ResolvedConfig
  storage: ContextStorage<Scope>
  trace: TraceContextReader
  /** OpenTelemetry spans of the calls, when a tracer provider records them. */
  spans?: CallSpans
  exporter: BatchExporter<CallRecord> | undefined
  gatekeeper: Gatekeeper
  local: LocalGate
  reportError: (error: AnansiError) => void
  reportDrop: (reason: DropReason, count: number) => void
}

/**
 * Starts, finishes and ships calls for `track` and the client wrappers. Everything on the
 * application's path is cheap: a record, a snapshot of the input, a queue push.
 */
export class CallRecorder implements CallSink {
  readonly gates: GateCounters = { decided: 0, blocked: 0, timeouts: 0, unavailable: 0 }

  constructor(private readonly parts: RecorderParts) {}

  /**
   * Begins a call, or answers undefined when it is not recorded (disabled, or sampled out).
   * `input` must return a snapshot (arrays copied) so later mutations by the app do not leak in.
   */
  start(
    site: CallSite,
    model: string,
    input: () => unknown,
    context?: () => unknown,
  ): ActiveCall | undefined {
    const { config, storage } = this.parts
    if (!config.enabled) return undefined
    const category = site.category ?? config.category
    const evaluated = site.gate.mode !== 'observe' || site.gate.local
    // Gated calls are always kept: sampling must never switch a safety control off.
    if (!evaluated && !this.sampled(site, model, category)) return undefined
    const scope = storage.getStore()
    let holder: { value?: unknown } | undefined
    if (evaluated) {
      holder = {}
      // A fresh holder in the caller's own async context keeps concurrent requests apart.
      storage.enterWith({ ...scope, last: holder })
    }
    const ids = this.parts.trace.current()
    const record: CallRecord = {
      id: evaluated ? newEventId() : undefined,
      startedAt: Date.now(),
      provider: site.provider ?? 'unknown',
      model,
      category,
      operation: site.operation,
      input: this.read('input', input),
      inputMap: site.inputMap,
      context: context === undefined ? undefined : this.read('context', context),
      status: 'ok',
      traceId: ids?.traceId,
      spanId: ids?.spanId,
      scope,
      tags: site.tags,
      metadata: site.metadata,
    }
    this.parts.spans?.start(record)
    return new ActiveCall(record, performance.now(), site.gate, holder, this)
  }

  /** Ships a finished call; a locally evaluated observe call is evaluated first, in the background. */
  ship(call: ActiveCall): void {
    if (call.gate.local && call.record.status === 'ok' && call.gate.mode === 'observe') {
      this.observeLocally(call)
      return
    }
    this.enqueue(call.record, false)
    this.parts.spans?.finish(call.record)
  }

  /** Waits for a gated call's decision and stores it for `lastEvaluation`. */
  async decide(call: ActiveCall): Promise<GateDecision> {
    const record = call.record
    const eventId = (record.id ??= newEventId())
    const { mode, timeoutMs, onTimeout, local } = call.gate
    record.gate = { mode, timeoutMs, onTimeout }
    const decision = await this.parts.gatekeeper.decide({
      eventId,
      startedAt: record.startedAt,
      call: toLocalCall(record),
      gate: call.gate,
      send: (metadata) => {
        if (metadata !== undefined) record.metadata = { ...record.metadata, ...metadata }
        this.enqueue(record, !local) // a remote gate is waiting on this very event: send it now
      },
    })
    this.count(decision)
    const action = decision.action === 'block' && mode === 'fallback' ? 'fallback' : decision.action
    const evaluation: LastEvaluation = { eventId, ...decision, action }
    this.remember(call, evaluation)
    this.parts.spans?.finish(record, evaluation)
    return decision
  }

  /** Hands a failure to the monitor's `onError` (never into application code). */
  reportError(error: AnansiError): void {
    this.parts.reportError(error)
  }

  private observeLocally(call: ActiveCall): void {
    const record = call.record
    const eventId = (record.id ??= newEventId())
    const started = performance.now()
    void this.parts.local.verdict(eventId, toLocalCall(record), record.startedAt).then(
      (verdict) => {
        record.metadata = {
          ...record.metadata,
          'anansi.gate': { mode: 'observe', safe: verdict.safe, score: verdict.score },
        }
        const evaluation: LastEvaluation = {
          eventId,
          verdict,
          action: 'observe',
          reason: 'verdict',
          decidedBy: 'local',
          waitedMs: performance.now() - started,
        }
        this.remember(call, evaluation)
        this.enqueue(record, false)
        this.parts.spans?.finish(record, evaluation)
      },
      (error: unknown) => {
        this.parts.reportError(
          error instanceof LocalGateError ? error : new LocalGateError(String(error), error),
        )
        this.enqueue(record, false)
        this.parts.spans?.finish(record)
      },
    )
  }

  private remember(call: ActiveCall, evaluation: LastEvaluation): void {
    if (call.holder !== undefined) call.holder.value = evaluation
  }

  private count(decision: GateDecision): void {
    this.gates.decided += 1
    if (decision.action === 'block') this.gates.blocked += 1
    if (decision.reason === 'timeout') this.gates.timeouts += 1
    if (decision.reason === 'unavailable') this.gates.unavailable += 1
  }

  private enqueue(record: CallRecord, urgent: boolean): void {
    const exporter = this.parts.exporter
    if (exporter === undefined) this.parts.reportDrop('disabled', 1)
    else exporter.add(record, estimateBytes(record), urgent)
  }

  private sampled(site: CallSite, model: string, category: string): boolean {
    const sampler = this.parts.config.sampler
    if (sampler === undefined) return true
    try {
      return sampler({ provider: site.provider ?? 'unknown', model, category })
    } catch (cause) {
      this.parts.reportError(new HookError('sampler', cause))
      return true // keep the call: losing data silently is worse than one extra event
    }
  }

  private read(hook: string, read: () => unknown): unknown {
    try {
      return read()
    } catch (cause) {
      this.parts.reportError(new HookError(hook, cause))
      return undefined
    }
  }
}
