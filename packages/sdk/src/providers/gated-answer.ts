import type { ActiveCall, CallOutcome } from '../core/active-call.js'
import type { CallRecorder } from '../core/call-recorder.js'
import { ConfigError, UnsafeResponseError } from '../errors.js'
import { isRecord } from '../event/content-parts.js'
import { fallbackValue, refusalReason } from '../gating/fallback-value.js'
import type { ResolvedGate } from '../gating/gate-options.js'
import type { GateDecision } from '../gating/gatekeeper.js'
import type { MethodAdapter } from './method-adapter.js'
import { streamSource, type StreamSource } from './stream-tap.js'

/** One gated call of a wrapped provider method. */
export interface GatedCall {
  call: ActiveCall
  adapter: MethodAdapter
  gate: ResolvedGate<string>
  recorder: CallRecorder
}

/** The assistant's answer text in an outcome: what a fallback function is given as `original`. */
export function answerText(outcome: CallOutcome): string {
  const output = outcome.output
  if (output === undefined) return ''
  if (output.type === 'text') return output.text
  return output.messages
    .filter((message) => message.role === 'assistant')
    .map((message) => (typeof message.content === 'string' ? message.content : ''))
    .join('\n')
}

/**
 * The text that replaces a refused answer, or a thrown `UnsafeResponseError`: under `block`, and
 * under `fallback` when the fallback gives no text (failing closed rather than open).
 */
async function refusedAnswer(
  gated: GatedCall,
  decision: GateDecision,
  original: string,
): Promise<string> {
  const eventId = gated.call.record.id ?? ''
  if (gated.gate.mode === 'fallback') {
    const text: unknown = await fallbackValue(gated.gate.fallback, decision, eventId, original)
    if (typeof text === 'string') return text
    gated.recorder.reportError(
      new ConfigError(
        `the fallback of a wrapped client must be text (or a function returning text), got ${typeof text}: the answer was blocked`,
      ),
    )
  }
  throw new UnsafeResponseError(eventId, refusalReason(decision), decision.verdict)
}

/** Waits for a non-streamed answer's verdict; returns it, its fallback version, or throws. */
export async function gateResponse(
  gated: GatedCall,
  pending: PromiseLike<unknown>,
): Promise<unknown> {
  const { call, adapter } = gated
  let response: unknown
  try {
    response = await pending
  } catch (error) {
    call.fail(error)
    throw error
  }
  const outcome = adapter.outcome(response)
  const decision = await call.decide(outcome)
  if (decision.action === 'allow') return response
  return adapter.replaceAnswer(response, await refusedAnswer(gated, decision, answerText(outcome)))
}

/** An iterator over chunks already read. */
function replay(items: readonly unknown[]): AsyncIterableIterator<unknown> {
  let index = 0
  const iterator: AsyncIterableIterator<unknown> = {
    next: () =>
      Promise.resolve(
        index < items.length
          ? { done: false, value: items[index++] }
          : { done: true, value: undefined },
      ),
    return: (value?: unknown) => {
      index = items.length
      return Promise.resolve({ done: true, value })
    },
    [Symbol.asyncIterator]: () => iterator,
  }
  return iterator
}

/** Reads a provider stream to its end, recording its chunks as they come. */
async function readToEnd(
  gated: GatedCall,
  source: StreamSource,
): Promise<{ chunks: unknown[]; outcome: CallOutcome }> {
  const { call, adapter } = gated
  const accumulator = adapter.accumulator()
  const chunks: unknown[] = []
  const iterator = source.factory.call(source.target)
  try {
    for (;;) {
      const next = await iterator.next()
      if (next.done === true) break
      chunks.push(next.value)
      if (accumulator.add(next.value)) call.firstToken()
    }
  } catch (error) {
    call.fail(error, accumulator.outcome())
    throw error
  }
  return { chunks, outcome: accumulator.outcome() }
}

/**
 * Gates a streamed answer by buffering it: the stream is read to its end before the application
 * sees any chunk, judged like a whole answer, then released. The application gets the provider's
 * own stream object, which replays the buffered chunks (allowed), replays chunks that carry the
 * fallback text in the provider's shape (fallback), or is never returned because
 * `UnsafeResponseError` is thrown (block). A provider error mid-stream is re-thrown unchanged.
 */
export async function gateStream(
  gated: GatedCall,
  pending: PromiseLike<unknown>,
): Promise<unknown> {
  const { call, adapter } = gated
  let stream: unknown
  try {
    stream = await pending
  } catch (error) {
    call.fail(error)
    throw error
  }
  const source = streamSource(stream)
  if (source === undefined) {
    gated.recorder.reportError(
      new ConfigError('a gated stream is not async-iterable: it was passed through unjudged'),
    )
    call.succeed({ metadata: { 'anansi.stream': 'unreadable' } })
    return stream
  }
  const { chunks, outcome } = await readToEnd(gated, source)
  const decision = await call.decide({
    ...outcome,
    metadata: { ...outcome.metadata, 'anansi.stream': 'buffered' },
  })
  const items =
    decision.action === 'allow'
      ? chunks
      : adapter.replaceStream(chunks, await refusedAnswer(gated, decision, answerText(outcome)))
  source.target[source.key] = () => replay(items)
  return stream
}

/**
 * Gives the judged promise the provider promise's helpers that the providers' own helpers call:
 * `withResponse()` (Anthropic's `messages.stream()`), resolving to the judged answer with the raw
 * response, and `_thenUnwrap()` (OpenAI's `parse()`), which maps the judged answer. `asResponse()`
 * is left out on purpose: it hands over the unread body, which would bypass the gate.
 */
export function keepPromiseHelpers(
  original: PromiseLike<unknown>,
  judged: Promise<unknown>,
): Promise<unknown> {
  const withResponse = (original as { withResponse?: unknown }).withResponse
  if (typeof withResponse !== 'function') return judged
  const raw = withResponse as (this: unknown) => PromiseLike<unknown>
  return Object.assign(judged, {
    withResponse: async (): Promise<unknown> => {
      // Both at once, so a rejection of either is handled here (never left unhandled).
      const [answer, data] = await Promise.all([raw.call(original), judged])
      return { ...(isRecord(answer) ? answer : {}), data }
    },
    _thenUnwrap: (transform: (data: unknown) => unknown): Promise<unknown> =>
      keepPromiseHelpers(
        original,
        judged.then((data) => transform(data)),
      ),
  })
}
