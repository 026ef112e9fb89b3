import { MAX_GATE_TIMEOUT_MS, type Verdict } from '@anansi/protocol'
import { VerdictChannelError } from '../errors.js'
import { parseRetryAfter } from '../transport/retry-policy.js'
import { withTimeout } from '../transport/timers.js'
import { parseJsonSafely } from '../transport/wire-guards.js'
import { readVerdict } from './verdict-guard.js'

/** How a wait for a verdict ended. */
export type VerdictWait =
  | { kind: 'verdict'; verdict: Verdict }
  | { kind: 'timeout' }
  | { kind: 'unavailable'; error: VerdictChannelError }

/** Where and how to poll. */
export interface PollOptions {
  endpoint: string
  apiKey: string
  fetch: () => typeof fetch
  eventId: string
  deadline: number
  signal: AbortSignal
}

/** Statuses meaning "no verdict yet" (not ingested, not decided, or the server's wait ran out). */
const NOT_YET = new Set([204, 404, 408])

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, Math.max(0, ms))
    function done(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}

async function pollOnce(options: PollOptions, waitMs: number): Promise<VerdictWait | number> {
  const url = `${options.endpoint}/v1/events/${encodeURIComponent(options.eventId)}/verdict?wait=${waitMs}`
  const response = await options.fetch()(url, {
    headers: { authorization: `Bearer ${options.apiKey}`, accept: 'application/json' },
    signal: withTimeout(options.signal, waitMs + 5_000),
  })
  const text = await response.text()
  if (response.status === 200) {
    const verdict = readVerdict(parseJsonSafely(text))
    if (verdict?.eventId === options.eventId) return { kind: 'verdict', verdict }
    return {
      kind: 'unavailable',
      error: new VerdictChannelError(
        'the verdict long-poll answered something that is not a verdict',
      ),
    }
  }
  if (NOT_YET.has(response.status)) return 0
  if (response.status === 429 || response.status >= 500)
    return parseRetryAfter(response.headers.get('retry-after')) ?? 200
  return {
    kind: 'unavailable',
    error: new VerdictChannelError(`GET verdict answered ${response.status}`),
  }
}

/**
 * Long-polls `GET /v1/events/:id/verdict?wait=<ms>` until a verdict, the deadline, an abort, or a
 * permanent failure. "Not yet" answers (204/404/408) poll again; 429/5xx and network errors back off.
 * Never rejects.
 */
export async function pollVerdict(options: PollOptions): Promise<VerdictWait> {
  for (;;) {
    const left = options.deadline - Date.now()
    if (left <= 0 || options.signal.aborted) return { kind: 'timeout' }
    const waitMs = Math.floor(Math.min(left, MAX_GATE_TIMEOUT_MS))
    const started = Date.now()
    let outcome: VerdictWait | number
    try {
      outcome = await pollOnce(options, waitMs)
    } catch {
      // Aborted (the socket answered first) or a network error: both end in the checks above.
      outcome = 100
    }
    if (typeof outcome !== 'number') return outcome
    // A "not yet" that came back at once (the event is not ingested yet) must not spin.
    const backoff = Math.max(outcome, Date.now() - started < waitMs / 2 ? 25 : 0)
    if (backoff > 0) await pause(Math.min(backoff, options.deadline - Date.now()), options.signal)
  }
}
