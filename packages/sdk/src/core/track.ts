import { ConfigError, UnsafeResponseError, type AnansiError } from '../errors.js'
import { toContent } from '../event/content.js'
import type { GateOptions, ResolvedGate } from '../gating/gate-options.js'
import { resolveGate } from '../gating/gate-options.js'
import { fallbackValue, refusalReason } from '../gating/fallback-value.js'
import type { ActiveCall, CallOutcome } from './active-call.js'
import type { CallRecorder, CallSite } from './call-recorder.js'
import { snapshot } from './call-record.js'
import type { TrackOptions } from './track-options.js'

/** Whether a value is a thenable (a promise, or a provider SDK's promise subclass). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}

interface Tracker<A extends unknown[], R> {
  recorder: CallRecorder
  options: TrackOptions<A, R>
  gate: ResolvedGate<Awaited<R>>
  reportError: (error: AnansiError) => void
}

function outcomeOf<A extends unknown[], R>(
  tracker: Tracker<A, R>,
  result: Awaited<R>,
): CallOutcome {
  const { extractOutput, extractUsage } = tracker.options
  try {
    const output = toContent(extractOutput ? extractOutput(result) : result)
    const usage = extractUsage?.(result)
    return usage === undefined ? { output } : { output, usage }
  } catch (cause) {
    tracker.reportError(new ConfigError(`extractOutput/extractUsage threw: ${String(cause)}`))
    return {}
  }
}

async function gated<A extends unknown[], R>(
  tracker: Tracker<A, R>,
  call: ActiveCall,
  pending: PromiseLike<Awaited<R>>,
): Promise<Awaited<R>> {
  let result: Awaited<R>
  try {
    result = await pending
  } catch (error) {
    call.fail(error)
    throw error
  }
  const decision = await call.decide(outcomeOf(tracker, result))
  if (decision.action === 'allow') return result
  const eventId = call.record.id ?? ''
  if (tracker.gate.mode === 'fallback')
    return fallbackValue(tracker.gate.fallback, decision, eventId, result)
  throw new UnsafeResponseError(eventId, refusalReason(decision), decision.verdict)
}

function observe<A extends unknown[], R>(
  tracker: Tracker<A, R>,
  call: ActiveCall,
  pending: PromiseLike<Awaited<R>>,
): void {
  // Observing must not change the promise the app gets back: attach, then return the original.
  void pending.then(
    (result) => call.succeed(outcomeOf(tracker, result)),
    (error: unknown) => call.fail(error),
  )
}

/** Wraps `fn` so every call is recorded (and gated), keeping its signature and `this`. */
export function trackFunction<T, A extends unknown[], R>(
  recorder: CallRecorder,
  fn: (this: T, ...args: A) => R,
  options: TrackOptions<A, R>,
  defaultGate: GateOptions<unknown> | undefined,
  reportError: (error: AnansiError) => void,
): (this: T, ...args: A) => R {
  const gate = resolveGate<Awaited<R>>(options.gate, defaultGate)
  const tracker: Tracker<A, R> = { recorder, options, gate, reportError }
  const { extractInput, extractContext, model } = options
  const site: CallSite = {
    provider: options.provider,
    category: options.category,
    operation: options.operation,
    tags: options.tags,
    metadata: options.metadata,
    gate: gate as ResolvedGate<unknown>,
  }
  return function tracked(this: T, ...args: A): R {
    const call = recorder.start(
      site,
      model,
      // `args` is fresh per call; a single argument may be the app's own array, so it is copied.
      () =>
        extractInput
          ? snapshot(extractInput(...args))
          : args.length === 1
            ? snapshot(args[0])
            : args,
      extractContext ? () => extractContext(...args) : undefined,
    )
    if (call === undefined) return fn.apply(this, args)
    let result: R
    try {
      result = fn.apply(this, args)
    } catch (error) {
      call.fail(error)
      throw error
    }
    if (!isThenable(result)) {
      if (gate.mode !== 'observe')
        reportError(
          new ConfigError(
            `gate "${gate.mode}" needs an async function; ${fn.name || 'the call'} was only observed`,
          ),
        )
      call.succeed(outcomeOf(tracker, result as Awaited<R>))
      return result
    }
    const pending = result as PromiseLike<Awaited<R>>
    if (gate.mode === 'observe') {
      observe(tracker, call, pending)
      return result
    }
    return gated(tracker, call, pending) as R
  }
}
