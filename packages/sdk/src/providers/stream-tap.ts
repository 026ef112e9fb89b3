/** What a stream observer is told: each chunk, then exactly one end. */
export interface StreamObserver {
  chunk(value: unknown): void
  end(how: 'done' | 'abandoned' | 'error', error?: unknown): void
}

type IteratorFactory = (this: unknown, ...args: unknown[]) => AsyncIterator<unknown>

/** Calls `end` at most once, however the stream finishes (or is garbage collected unfinished). */
function once(observer: StreamObserver): StreamObserver & { ended: boolean } {
  const state = {
    ended: false,
    chunk: (value: unknown) => {
      if (!state.ended) observer.chunk(value)
    },
    end: (how: 'done' | 'abandoned' | 'error', error?: unknown) => {
      if (state.ended) return
      state.ended = true
      observer.end(how, error)
    },
  }
  return state
}

function tapIterator(
  inner: AsyncIterator<unknown>,
  observer: StreamObserver,
): AsyncIterableIterator<unknown> {
  const tapped: AsyncIterableIterator<unknown> = {
    async next(...args: [] | [unknown]) {
      let result: IteratorResult<unknown>
      try {
        result = await inner.next(...args)
      } catch (error) {
        observer.end('error', error)
        throw error
      }
      if (result.done === true) observer.end('done')
      else observer.chunk(result.value)
      return result
    },
    async return(value?: unknown) {
      observer.end('abandoned') // the consumer broke out of its loop
      return inner.return ? inner.return(value) : { done: true, value }
    },
    async throw(error?: unknown) {
      observer.end('error', error)
      if (inner.throw) return inner.throw(error)
      throw error
    },
    [Symbol.asyncIterator]() {
      return tapped
    },
  }
  return tapped
}

const unfinished =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<StreamObserver>((observer) => observer.end('abandoned'))
    : undefined

/**
 * Observes a provider SDK stream in place: the app gets the very same object and the very same
 * chunks. Stainless streams (OpenAI, Anthropic) build every way of reading them — `for await`,
 * `tee()`, `toReadableStream()` — on their `iterator` field, so tapping it sees every path.
 * A stream dropped unread is recorded as abandoned when it is collected.
 */
export function tapStream(stream: unknown, observer: StreamObserver): boolean {
  const source = streamSource(stream)
  if (source === undefined) return false
  const guarded = once(observer)
  const { target, key, factory } = source
  target[key] = function (this: unknown, ...args: unknown[]) {
    return tapIterator(factory.apply(this, args), guarded)
  }
  unfinished?.register(target, guarded)
  return true
}

/** Where a provider stream makes its iterators: the field every way of reading it goes through. */
export interface StreamSource {
  target: { [key: string | symbol]: unknown }
  key: 'iterator' | typeof Symbol.asyncIterator
  factory: IteratorFactory
}

/** The iterator factory of a Stainless stream (`iterator`), or of any async iterable; else undefined. */
export function streamSource(stream: unknown): StreamSource | undefined {
  if (typeof stream !== 'object' || stream === null) return undefined
  const target = stream as { [key: string | symbol]: unknown }
  const key = typeof target.iterator === 'function' ? 'iterator' : Symbol.asyncIterator
  const original = target[key]
  if (typeof original !== 'function') return undefined
  return { target, key, factory: original as IteratorFactory }
}
