import type { ActiveCall } from '../core/active-call.js'
import type { CallRecorder, CallSite } from '../core/call-recorder.js'
import { isThenable } from '../core/track.js'
import { isRecord } from '../event/content-parts.js'
import { resolveGate, type ResolvedGate } from '../gating/gate-options.js'
import { gateResponse, gateStream, keepPromiseHelpers } from './gated-answer.js'
import type { MethodAdapter } from './method-adapter.js'
import { shareParsedBody } from './shared-parse.js'
import { tapStream } from './stream-tap.js'
import type { WrapSettings } from './wrap-options.js'

type AnyMethod = (this: unknown, ...args: unknown[]) => unknown

function observeStream(call: ActiveCall, adapter: MethodAdapter, stream: unknown): void {
  const accumulator = adapter.accumulator()
  const tapped = tapStream(stream, {
    chunk: (value) => {
      if (accumulator.add(value)) call.firstToken()
    },
    end: (how, error) => {
      const outcome = accumulator.outcome()
      if (how === 'error') call.fail(error, outcome)
      else call.succeed({ ...outcome, metadata: { ...outcome.metadata, 'anansi.stream': how } })
    },
  })
  if (!tapped) call.succeed({ metadata: { 'anansi.stream': 'unreadable' } })
}

/**
 * Wraps one provider method. Observed calls return the provider's own promise (an `APIPromise`
 * keeps `.withResponse()`), errors reach the app unchanged, and streams are tapped, not copied.
 * Gated calls (`block`, `fallback`) return a promise of the judged answer; a gated stream is
 * buffered and judged before the app sees it (see `gateStream`).
 */
export function wrapMethod(
  original: AnyMethod,
  target: object,
  recorder: CallRecorder,
  options: WrapSettings,
  adapter: MethodAdapter,
): AnyMethod {
  const gate = resolveGate<string>(options.gate, options.defaultGate)
  const site: CallSite = {
    provider: adapter.provider,
    category: options.category,
    operation: adapter.operation,
    tags: options.tags,
    metadata: options.metadata,
    gate: gate as ResolvedGate<unknown>,
    inputMap: adapter.input,
  }
  return function wrapped(this: unknown, ...args: unknown[]): unknown {
    const params = isRecord(args[0]) ? args[0] : {}
    const streaming = adapter.isStream(params)
    const call = recorder.start(site, adapter.model(params), () => adapter.snapshot(params))
    if (call === undefined) return original.apply(target, args)
    let result: unknown
    try {
      result = original.apply(target, args)
    } catch (error) {
      call.fail(error)
      throw error
    }
    if (!isThenable(result)) {
      call.succeed(adapter.outcome(result))
      return result
    }
    if (gate.mode === 'observe') {
      void result.then(
        (answer) =>
          streaming ? observeStream(call, adapter, answer) : call.succeed(adapter.outcome(answer)),
        (error: unknown) => call.fail(error),
      )
      shareParsedBody(result)
      return result
    }
    const gated = { call, adapter, gate, recorder }
    return keepPromiseHelpers(
      result,
      streaming ? gateStream(gated, result) : gateResponse(gated, result),
    )
  }
}
