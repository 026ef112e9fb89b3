import { EvaluatorError } from '../errors.js'
import type { EvaluationInput } from '../evaluator.js'

/** Longest text (UTF-16 units) any evaluator looks at; models cut far earlier, this bounds the work. */
export const MAX_INPUT_CHARS = 1_000_000

/** Checks an input at run time (callers may be plain JavaScript) and returns the text to evaluate. */
export function guardInput(input: EvaluationInput): { text: string; cut: boolean } {
  const text: unknown = input.text
  if (typeof text !== 'string')
    throw new EvaluatorError(
      'invalid_input',
      `text must be a string, got ${text === null ? 'null' : typeof text}`,
    )
  if (text.length <= MAX_INPUT_CHARS) return { text, cut: false }
  return { text: text.slice(0, MAX_INPUT_CHARS), cut: true }
}

/** Decodes UTF-8 bytes, refusing invalid sequences with a typed error instead of guessing. */
export function decodeUtf8Strict(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch (cause) {
    throw new EvaluatorError('invalid_input', 'text is not valid UTF-8', false, { cause })
  }
}
