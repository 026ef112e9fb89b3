import type { Issue, Verdict } from '@anansi/protocol'

/** Machine-readable kinds of SDK failure; handlers switch on these, never on messages. */
export type AnansiErrorCode =
  | 'config'
  | 'network'
  | 'http_status'
  | 'event_rejected'
  | 'events_dropped'
  | 'serialization'
  | 'hook'
  | 'verdict_channel'
  | 'local_gate'
  | 'unsafe_response'

/** Base class of every error the SDK reports or throws. */
export class AnansiError extends Error {
  /** Whether trying the same operation again may succeed. */
  readonly retriable: boolean

  constructor(
    readonly code: AnansiErrorCode,
    message: string,
    options: { cause?: unknown; retriable?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.retriable = options.retriable ?? false
  }
}

/** The options given to `new Monitor()` cannot work (for example no API key): the monitor runs disabled. */
export class ConfigError extends AnansiError {
  constructor(message: string) {
    super('config', message)
  }
}

/** Sending a batch failed: a network error (`network`) or a non-2xx answer (`http_status`). */
export class TransportError extends AnansiError {
  constructor(
    code: 'network' | 'http_status',
    message: string,
    readonly details: {
      status?: number
      apiCode?: string
      retryAfterMs?: number
      cause?: unknown
    } = {},
  ) {
    super(code, message, {
      cause: details.cause,
      retriable: code === 'network' || [429, 502, 503, 504].includes(details.status ?? 0),
    })
  }
}

/** The ingest API rejected one event of a batch (207); `issues` say which fields and why. */
export class EventRejectedError extends AnansiError {
  constructor(
    readonly eventId: string | undefined,
    readonly issues: readonly Issue[],
  ) {
    const first = issues[0]
    super(
      'event_rejected',
      `event ${eventId ?? '(unknown id)'} was rejected${first ? `: ${first.path.join('.')} ${first.message}` : ''}`,
    )
  }
}

/** Events were dropped before reaching the API (queue full, retries exhausted, shutdown…). */
export class EventsDroppedError extends AnansiError {
  constructor(
    readonly reason: string,
    readonly count: number,
    cause?: unknown,
  ) {
    super('events_dropped', `${count} event(s) dropped: ${reason}`, { cause })
  }
}

/** A user hook (`redact`, `sampler`, `extractInput`…) threw; the SDK carried on without it. */
export class HookError extends AnansiError {
  constructor(
    readonly hook: string,
    cause: unknown,
  ) {
    super('hook', `the ${hook} hook threw: ${describe(cause)}`, { cause })
  }
}

/** An event could not be turned into JSON (it is dropped rather than sent half-built). */
export class SerializationError extends AnansiError {
  constructor(message: string, cause?: unknown) {
    super('serialization', message, { cause })
  }
}

/** The verdict WebSocket or long-poll failed; gates fall back to their `onTimeout` choice. */
export class VerdictChannelError extends AnansiError {
  constructor(message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super('verdict_channel', message, options)
  }
}

/** The in-process evaluator could not be loaded or failed on a call. */
export class LocalGateError extends AnansiError {
  constructor(message: string, cause?: unknown) {
    super('local_gate', message, { cause })
  }
}

/** Why a gate refused an answer: the verdict said so, or no verdict came in time and `onTimeout` is `block`. */
export type UnsafeReason = 'unsafe' | 'timeout' | 'unavailable'

/**
 * Thrown into application code by a `block` gate, the only error the SDK ever throws there.
 * @example
 * try { await chat(prompt) } catch (e) { if (e instanceof UnsafeResponseError) show(e.verdict) }
 */
export class UnsafeResponseError extends AnansiError {
  constructor(
    readonly eventId: string,
    readonly reason: UnsafeReason,
    readonly verdict: Verdict | undefined,
  ) {
    super(
      'unsafe_response',
      reason === 'unsafe'
        ? `the answer to event ${eventId} was blocked (score ${verdict?.score ?? '?'})`
        : `no verdict for event ${eventId} (${reason}); onTimeout is "block"`,
    )
  }
}

function describe(value: unknown): string {
  return value instanceof Error ? value.message : String(value)
}
