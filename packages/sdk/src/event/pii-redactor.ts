import type { PiiRedactionOptions } from '../options.js'
import type { TextMap } from './map-event-text.js'

/** The part of `@anansi/evaluator/pii` the redactor uses. */
export interface PiiModuleLike {
  redactPii(text: string, options?: { maskChar?: string }): { text: string }
}

/** Builds the text rewrite that replaces PII with `[LABEL]` placeholders (or a mask character). */
export function piiTextMap(module: PiiModuleLike, options: PiiRedactionOptions): TextMap {
  const redactOptions = options.maskChar === undefined ? {} : { maskChar: options.maskChar }
  return (text) => (text.length === 0 ? text : module.redactPii(text, redactOptions).text)
}
