/**
 * A finished OpenTelemetry span as the GenAI mapping reads it. Both the SDK's span exporter (from
 * a `ReadableSpan`) and the OTLP receiver (from protobuf or OTLP/JSON) lay spans out this way, so
 * one mapping serves both. Attribute values are whatever the source carried (strings, numbers,
 * booleans, arrays, key/value lists as objects); the mapping reads them defensively.
 */
export interface SpanLike {
  /** 32 hex digits. */
  traceId: string
  /** 16 hex digits. */
  spanId: string
  name: string
  /** Milliseconds since the epoch (fractions allowed). */
  startTimeMs: number
  endTimeMs: number
  attributes: Readonly<Record<string, unknown>>
  /** OpenTelemetry status: 0 unset, 1 ok, 2 error. */
  status?: { code: number; message?: string }
  events?: readonly SpanEventLike[]
  /** Resource attributes (`service.name`, …). */
  resource?: Readonly<Record<string, unknown>>
  /** The instrumentation scope that made the span. */
  scope?: string
}

/** One span event (`exception`, `gen_ai.content.prompt`, …). */
export interface SpanEventLike {
  name: string
  attributes?: Readonly<Record<string, unknown>>
}

/** OpenTelemetry's status code for a failed span. */
export const SPAN_STATUS_ERROR = 2

/** A string attribute, or undefined when absent or not a non-empty string. */
export function stringAttr(
  attributes: Readonly<Record<string, unknown>>,
  key: string,
): string | undefined {
  const value = attributes[key]
  return typeof value === 'string' && value.length > 0 ? value : undefined
}

/** A non-negative integer attribute (numbers, bigints or numeric strings, as OTLP int64s arrive). */
export function countAttr(
  attributes: Readonly<Record<string, unknown>>,
  key: string,
): number | undefined {
  const value = attributes[key]
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'bigint' || (typeof value === 'string' && /^\d+$/.test(value))
        ? Number(value)
        : NaN
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined
}

/** The first string attribute present among `keys`. */
export function firstString(
  attributes: Readonly<Record<string, unknown>>,
  ...keys: string[]
): string | undefined {
  for (const key of keys) {
    const value = stringAttr(attributes, key)
    if (value !== undefined) return value
  }
  return undefined
}

/** The first count attribute present among `keys`. */
export function firstCount(
  attributes: Readonly<Record<string, unknown>>,
  ...keys: string[]
): number | undefined {
  for (const key of keys) {
    const value = countAttr(attributes, key)
    if (value !== undefined) return value
  }
  return undefined
}
