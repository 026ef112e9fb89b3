import { join } from 'node:path'
import { Tokenizer } from '@huggingface/tokenizers'
import { EvaluatorError } from '../errors.js'
import { readVerifiedModel } from '../models/model-files.js'

/** Token ids for one text, ready for the backbone. */
export interface EncodedText {
  ids: number[]
  truncated: boolean
}

/** Encodes text for a BERT-style backbone, cutting to `maxLength` ids (keeping [CLS] … [SEP]). */
export interface TextEncoder {
  readonly maxLength: number
  encode(text: string): EncodedText
}

// No tokenizer reads past this many characters: 254 word pieces never need more than ~26 k
// (100 characters per word at most), so the cut only bounds work on pathological inputs.
const MAX_CHARS = 100_000

/** Loads a Hugging Face `tokenizer.json` (sha256-checked) with `@huggingface/tokenizers`. */
export async function loadTokenizer(
  directory: string,
  file: string,
  sha256: string,
  maxLength: number,
): Promise<TextEncoder> {
  const bytes = await readVerifiedModel(directory, file, sha256)
  let tokenizer: Tokenizer
  try {
    const json: unknown = JSON.parse(new TextDecoder().decode(bytes))
    if (typeof json !== 'object' || json === null)
      throw new TypeError('tokenizer.json is not an object')
    tokenizer = new Tokenizer(json, {})
  } catch (cause) {
    throw new EvaluatorError('invalid_manifest', `cannot load ${join(directory, file)}`, false, {
      cause,
    })
  }
  const sep = tokenizer.token_to_id('[SEP]')
  if (sep === undefined) throw new EvaluatorError('invalid_manifest', `${file} has no [SEP] token`)
  return {
    maxLength,
    encode(text) {
      const cut = text.length > MAX_CHARS
      const { ids } = tokenizer.encode(cut ? text.slice(0, MAX_CHARS) : text)
      if (ids.length <= maxLength) return { ids, truncated: cut }
      return { ids: [...ids.slice(0, maxLength - 1), sep], truncated: true }
    },
  }
}
