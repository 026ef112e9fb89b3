// JSON.stringify writes NUL as \u0000 and lone surrogates as \udXXX escapes (valid pairs stay raw),
// so one regex over the serialised value finds both cheaply. A false positive only costs a walk.
const SUSPECT = /\\u0000|\\ud[89a-f][0-9a-f]{2}/i

function cleanString(value: string): string {
  return value.toWellFormed().replaceAll('\u0000', '\uFFFD')
}

function clean(value: unknown): unknown {
  if (typeof value === 'string') return cleanString(value)
  if (Array.isArray(value)) return value.map(clean)
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [cleanString(k), clean(v)]))
  }
  return value
}

/**
 * Makes a JSON value storable in Postgres: `text` and `jsonb` reject NUL characters and lone
 * UTF-16 surrogates, so both become U+FFFD (the Unicode replacement character). Values without
 * them are returned as they are.
 */
export function toStorable<T>(value: T): T {
  const json = JSON.stringify(value)
  return json !== undefined && SUSPECT.test(json) ? (clean(value) as T) : value
}

/** {@link toStorable} for one string column. */
export function toStorableText(value: string): string
export function toStorableText(value: string | undefined): string | undefined
export function toStorableText(value: string | undefined): string | undefined {
  return value === undefined ? undefined : cleanString(value)
}
