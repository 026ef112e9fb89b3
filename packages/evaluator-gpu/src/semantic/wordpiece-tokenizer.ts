import { join } from 'node:path'
import { Tokenizer } from '@huggingface/tokenizers'
import { z } from 'zod'
import { EvaluatorError } from '../errors.js'
import { readVerifiedModel } from '../models/model-files.js'

/** Token ids for one text, ready for the backbone. */
export interface EncodedText {
  ids: number[]
  truncated: boolean
}

/**
 * Encodes text for a transformer encoder, cutting to `maxLength` ids while keeping the special
 * tokens the tokenizer adds around a text ([CLS] … [SEP] for BERT, <s> … </s> for RoBERTa).
 */
export interface TextEncoder {
  readonly maxLength: number
  /** The id padding positions get (the tokenizer's pad token; 0 when it names none). */
  readonly padId: number
  encode(text: string): EncodedText
}

// No tokenizer reads past this many characters: 254 word pieces never need more than ~26 k
// (100 characters per word at most), so the cut only bounds work on pathological inputs.
const MAX_CHARS = 100_000

const tokenizerJsonSchema = z.looseObject({
  padding: z.looseObject({ pad_id: z.int().nonnegative() }).nullish(),
})

/**
 * The ids the post-processor puts before and after a text, found by encoding a probe with and
 * without special tokens: works for any post-processor (Template, Bert, Roberta, Sequence).
 */
function specialAffixes(tokenizer: Tokenizer): { prefix: number; suffix: number[] } {
  const plain = tokenizer.encode('a', { add_special_tokens: false }).ids
  const full = tokenizer.encode('a', { add_special_tokens: true }).ids
  for (let start = 0; start + plain.length <= full.length; start += 1) {
    if (plain.every((id, i) => full[start + i] === id))
      return { prefix: start, suffix: full.slice(start + plain.length) }
  }
  return { prefix: 0, suffix: [] }
}

/** Loads a Hugging Face `tokenizer.json` (sha256-checked) with `@huggingface/tokenizers`. */
export async function loadTokenizer(
  directory: string,
  file: string,
  sha256: string,
  maxLength: number,
): Promise<TextEncoder> {
  const bytes = await readVerifiedModel(directory, file, sha256)
  let tokenizer: Tokenizer
  let json: z.infer<typeof tokenizerJsonSchema>
  try {
    json = tokenizerJsonSchema.parse(JSON.parse(new TextDecoder().decode(bytes)))
    tokenizer = new Tokenizer(json, {})
  } catch (cause) {
    throw new EvaluatorError('invalid_manifest', `cannot load ${join(directory, file)}`, false, {
      cause,
    })
  }
  const { prefix, suffix } = specialAffixes(tokenizer)
  if (prefix + suffix.length >= maxLength)
    throw new EvaluatorError(
      'invalid_manifest',
      `${file}: maxLength ${maxLength} leaves no room between the special tokens`,
    )
  const padId =
    json.padding?.pad_id ?? tokenizer.token_to_id('[PAD]') ?? tokenizer.token_to_id('<pad>') ?? 0
  return {
    maxLength,
    padId,
    encode(text) {
      const cut = text.length > MAX_CHARS
      const { ids } = tokenizer.encode(cut ? text.slice(0, MAX_CHARS) : text)
      if (ids.length <= maxLength) return { ids, truncated: cut }
      // Cut the text's tokens, not the closing special token(s) the model expects at the end.
      return { ids: [...ids.slice(0, maxLength - suffix.length), ...suffix], truncated: true }
    },
  }
}
