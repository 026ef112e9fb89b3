import { MAX_ID_CHARS } from '@anansi/protocol'

/** What a cut string ends with, so a reader knows the text went on. */
export const TRUNCATION_MARK = '…'

/** Cuts a string to at most `max` UTF-16 units without splitting a surrogate pair. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text
  let end = Math.max(0, max)
  const last = text.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end -= 1 // never leave half of a pair behind
  return text.slice(0, end)
}

/** Cuts long text to `max` units including a trailing mark. */
export function cutMarked(text: string, max: number): string {
  if (text.length <= max) return text
  return max < 1 ? '' : cut(text, max - 1) + TRUNCATION_MARK
}

/** A short identifier (1..256 characters) or undefined when the value has none. */
export function shortId(value: unknown): string | undefined {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value
  if (typeof text !== 'string' || text.length === 0) return undefined
  return cut(text, MAX_ID_CHARS)
}

/** A string of at most `max` units (longer ones are cut), or undefined when the value is not a string. */
export function boundedString(value: unknown, max: number): string | undefined {
  return typeof value === 'string' ? cut(value, max) : undefined
}

/** Turns any value into a protocol slug (`[a-z0-9][a-z0-9_.-]{0,63}`), or `fallback` when nothing is left. */
export function toSlug(value: unknown, fallback: string): string {
  if (typeof value !== 'string') return fallback
  const slug = value
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 64)
  return slug.length === 0 ? fallback : slug
}

/** Any character outside ASCII (each of those takes more than one UTF-8 byte). */
const NON_ASCII = /[\u0080-\uffff]/

/** Counts the UTF-8 bytes of a string without encoding it (lone surrogates count as U+FFFD). */
export function utf8ByteLength(text: string): number {
  if (!NON_ASCII.test(text)) return text.length // the common case, checked natively
  let bytes = 0
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i)
    if (unit < 0x80) bytes += 1
    else if (unit < 0x800) bytes += 2
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4
        i += 1
      } else bytes += 3
    } else bytes += 3
  }
  return bytes
}
