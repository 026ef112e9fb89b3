import { isRecord } from '../event/content-parts.js'

/**
 * A copy of a provider object with some fields replaced. The copy keeps the prototype and the
 * non-enumerable fields (such as the OpenAI client's `_request_id`), so it reads like the original.
 */
export function withFields(
  value: unknown,
  fields: Record<string, unknown>,
): Record<string, unknown> {
  const source = isRecord(value) ? value : {}
  const copy = Object.create(
    Object.getPrototypeOf(source) as object | null,
    Object.getOwnPropertyDescriptors(source),
  ) as Record<string, unknown>
  for (const [key, field] of Object.entries(fields))
    Object.defineProperty(copy, key, {
      value: field,
      enumerable: true,
      writable: true,
      configurable: true,
    })
  return copy
}

/** The first chunk of `type` among buffered stream events, if any. */
export function firstOfType(
  chunks: readonly unknown[],
  types: readonly string[],
): Record<string, unknown> | undefined {
  for (const chunk of chunks)
    if (isRecord(chunk) && types.includes(String(chunk.type))) return chunk
  return undefined
}
