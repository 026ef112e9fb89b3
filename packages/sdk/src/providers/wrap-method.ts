import { UnsafeResponseError } from '../errors.js'
import type { ActiveCall } from '../core/active-call.js'
import type { CallRecorder, CallSite } from '../core/call-recorder.js'
import { isThenable } from '../core/track.js'
import { resolveGate, type ResolvedGate } from '../gating/gate-options.js'
import { isRecord } from '../event/content-parts.js'
import type { MethodAdapter } from './method-adapter.js'
import { tapStream } from './stream-tap.js'
import type { WrapOptions } from './wrap-options.js'

type AnyMethod = (this: unknown, ...args: unknown[]) => unknown

const OBSERVE: ResolvedGate<unknown> = resolveGate({ mode: 'observe' }, undefined)

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

async function gateResponse(
  call: ActiveCall,
  adapter: MethodAdapter,
  pending: PromiseLike<unknown>,
): Promise<unknown> {
  let response: unknown
  try {
    response = await pending
  } catch (error) {
    call.fail(error)
    throw error
  }
  const decision = await call.decide(adapter.outcome(response))
  if (decision.action === 'allow') return response
  const reason = decision.reason === 'verdict' ? 'unsafe' : decision.reason
  throw new UnsafeResponseError(call.record.id ?? '', reason, decision.verdict)
}

/**
 * Wraps one provider method. Observed calls return the provider's own promise (an `APIPromise`
 * keeps `.withResponse()`), errors reach the app unchanged, and streams are tapped, not copied.
 */
export function wrapMethod(
  original: AnyMethod,
  target: object,
  recorder: CallRecorder,
  options: WrapOptions & { category: string },
  adapter: MethodAdapter,
): AnyMethod {
  const gate = resolveGate(options.gate, undefined)
  const site: CallSite = {
    provider: adapter.provider,
    category: options.category,
    operation: adapter.operation,
    tags: options.tags,
    metadata: options.metadata,
    gate,
    inputMap: adapter.input,
  }
  // A stream passes through untouched, so it cannot be held back: streams are observed only.
  const streamSite: CallSite = { ...site, gate: OBSERVE }
  return function wrapped(this: unknown, ...args: unknown[]): unknown {
    const params = isRecord(args[0]) ? args[0] : {}
    const streaming = adapter.isStream(params)
    const call = recorder.start(streaming ? streamSite : site, adapter.model(params), () =>
      adapter.snapshot(params),
    )
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
    if (streaming) {
      void result.then(
        (stream) => observeStream(call, adapter, stream),
        (error: unknown) => call.fail(error),
      )
      return result
    }
    if (gate.mode === 'observe') {
      void result.then(
        (response) => call.succeed(adapter.outcome(response)),
        (error: unknown) => call.fail(error),
      )
      return result
    }
    return gateResponse(call, adapter, result)
  }
}
