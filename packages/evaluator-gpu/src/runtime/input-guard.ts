import { z } from 'zod'
import { EvaluatorError } from '../errors.js'
import type { EvaluationInput } from '../evaluator.js'

/** Longest text (UTF-16 units) any evaluator looks at; models cut far earlier, this bounds the work. */
export const MAX_INPUT_CHARS = 1_000_000

/** An input checked at run time (callers may be plain JavaScript), as every evaluator reads it. */
export interface GuardedInput {
  /** Well-formed text: bytes decoded as strict UTF-8, lone surrogates replaced by U+FFFD. */
  text: string
  /** Whether the text was cut at MAX_INPUT_CHARS. */
  cut: boolean
  target: EvaluationInput['target']
  context: string[] | undefined
  toolOutputs: string[] | undefined
}

const inputSchema = z.object(
  {
    text: z.union([z.string(), z.instanceof(Uint8Array)], {
      error: (issue) =>
        `text must be a string or UTF-8 bytes, got ${issue.input === null ? 'null' : typeof issue.input}`,
    }),
    target: z.enum(['input', 'output', 'both'], { error: 'target must be input, output or both' }),
    context: z
      .array(z.string({ error: 'every context document must be a string' }), {
        error: 'context must be an array of strings',
      })
      .optional(),
    toolOutputs: z
      .array(z.string({ error: 'every tool output must be a string' }), {
        error: 'toolOutputs must be an array of strings',
      })
      .optional(),
  },
  { error: 'each input must be an object with a text and a target' },
)

// A lone surrogate has no UTF-8 form: the featurizer hashes it as U+FFFD while the tokenizer drops
// it, so the two tiers would see different texts. Replacing it here (same length, so spans keep
// their offsets) makes every evaluator see one well-formed text.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** Decodes UTF-8 bytes, refusing invalid sequences with a typed error instead of guessing. */
export function decodeUtf8Strict(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch (cause) {
    throw new EvaluatorError('invalid_input', 'text is not valid UTF-8', false, { cause })
  }
}

/** Replaces lone surrogates with U+FFFD, leaving well-formed text (the usual case) untouched. */
export function toWellFormedText(text: string): string {
  return text.isWellFormed() ? text : text.replace(LONE_SURROGATE, '\uFFFD')
}

/**
 * Validates one input (text as a string or UTF-8 bytes, target, context documents, tool outputs) and returns
 * the text to evaluate; anything else is an `invalid_input` error, never a crash.
 */
export function guardInput(input: EvaluationInput): GuardedInput {
  const parsed = inputSchema.safeParse(input)
  if (!parsed.success)
    throw new EvaluatorError(
      'invalid_input',
      parsed.error.issues
        .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
        .join('; '),
      false,
      { cause: parsed.error },
    )
  const { text: raw, target, context, toolOutputs } = parsed.data
  const decoded = typeof raw === 'string' ? raw : decodeUtf8Strict(raw)
  const cut = decoded.length > MAX_INPUT_CHARS
  return {
    text: toWellFormedText(cut ? decoded.slice(0, MAX_INPUT_CHARS) : decoded),
    cut,
    target,
    context: context?.map(toWellFormedText),
    toolOutputs: toolOutputs?.map(toWellFormedText),
  }
}
