import { detectPii, type DetectPiiOptions } from './detect-pii.js'
import type { PiiSpan } from './types.js'

/** How `redactPii` writes over each span; `[LABEL]` placeholders by default. */
export interface RedactPiiOptions extends DetectPiiOptions {
  /** Returns the replacement for one span, given the span and the original value. */
  replacer?: (span: PiiSpan, value: string) => string
  /** Masks each UTF-16 unit with this character instead of a placeholder (keeps the length). */
  maskChar?: string
}

/** The redacted text and the spans that were replaced, in offsets of the original text. */
export interface RedactPiiResult {
  text: string
  spans: PiiSpan[]
}

const replacementFor = (options: RedactPiiOptions): ((span: PiiSpan, value: string) => string) => {
  if (options.replacer !== undefined) return options.replacer
  const mask = options.maskChar
  if (mask === undefined) return (span) => `[${span.label}]`
  if (mask.length !== 1) throw new RangeError('maskChar must be one UTF-16 character')
  return (span) => mask.repeat(span.end - span.start)
}

/**
 * Replaces every detected entity and leaves all other characters exactly as they were.
 * @example redactPii('call +44 20 7946 0958').text // 'call [PHONE]'
 */
export function redactPii(text: string, options: RedactPiiOptions = {}): RedactPiiResult {
  const spans = detectPii(text, options)
  const replace = replacementFor(options)
  const parts: string[] = []
  let cursor = 0
  for (const span of spans) {
    parts.push(text.slice(cursor, span.start), replace(span, text.slice(span.start, span.end)))
    cursor = span.end
  }
  parts.push(text.slice(cursor))
  return { text: parts.join(''), spans }
}
