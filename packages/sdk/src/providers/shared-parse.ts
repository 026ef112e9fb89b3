type ParseResponse = (this: unknown, ...args: unknown[]) => unknown

/**
 * Makes an observed provider promise (an OpenAI/Anthropic `APIPromise`, which the wrapper reads
 * with `then`) parse its response body once: promises derived from it with `_thenUnwrap()` — what
 * `chat.completions.parse()` and `responses.parse()` build on — otherwise parse it again and fail
 * on the consumed body. Anything that is not such a promise is left as it is.
 */
export function shareParsedBody(promise: PromiseLike<unknown>): void {
  const target = promise as { parseResponse?: unknown }
  if (typeof target.parseResponse !== 'function') return
  const parseResponse = target.parseResponse as ParseResponse
  let parsed: unknown
  let done = false
  target.parseResponse = function (this: unknown, ...args: unknown[]): unknown {
    if (!done) {
      parsed = parseResponse.apply(this, args)
      done = true
    }
    return parsed
  }
}
