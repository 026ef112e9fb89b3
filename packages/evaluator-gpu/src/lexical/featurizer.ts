import { murmur3Utf8 } from './murmur3.js'

/** The featurizer every lexical model was trained with (training/FEATURIZER.md is the spec). */
export const FEATURIZER_NAME = 'anansi-hash-ngrams-v1'

/** Featurizer parameters, as recorded in a model's manifest. */
export interface FeaturizerSpec {
  buckets: number
  maxCodePoints: number
  wordNgrams: readonly [number, number]
  charNgrams: readonly [number, number]
}

/** The parameters of anansi-hash-ngrams-v1. */
export const DEFAULT_FEATURIZER: FeaturizerSpec = {
  buckets: 262_144,
  maxCodePoints: 4096,
  wordNgrams: [1, 2],
  charNgrams: [3, 5],
}

// The Unicode White_Space property spelled out: `\s` differs between Python and JavaScript.
const WHITESPACE_RUN =
  /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/gu
const WORD = /[\p{L}\p{N}_]+/gu

/** Normalised text plus whether it was cut at the code-point limit. */
export interface NormalizedText {
  text: string
  truncated: boolean
}

/** NFKC, lower-case, whitespace runs to one space, trimmed, first `maxCodePoints` code points. */
export function normalizeText(
  text: string,
  maxCodePoints = DEFAULT_FEATURIZER.maxCodePoints,
): NormalizedText {
  const cleaned = text
    .toWellFormed()
    .normalize('NFKC')
    .toLowerCase()
    .replace(WHITESPACE_RUN, ' ')
    .replace(/^ +| +$/g, '')
  // Cheap pre-check: UTF-16 length is an upper bound on the code-point count.
  if (cleaned.length <= maxCodePoints) return { text: cleaned, truncated: false }
  const points = Array.from(cleaned)
  return points.length <= maxCodePoints
    ? { text: cleaned, truncated: false }
    : { text: points.slice(0, maxCodePoints).join(''), truncated: true }
}

/** Hashed n-gram counts of one text: distinct bucket indices and how often each was hit. */
export interface Features {
  indices: number[]
  counts: number[]
  truncated: boolean
}

/** Featurizes one text into bucket counts exactly as the Python training code does. */
export function featurize(text: string, spec: FeaturizerSpec = DEFAULT_FEATURIZER): Features {
  const normalized = normalizeText(text, spec.maxCodePoints)
  const words = normalized.text.match(WORD) ?? []
  const counts = new Map<number, number>()
  const add = (feature: string): void => {
    const index = murmur3Utf8(feature) % spec.buckets
    counts.set(index, (counts.get(index) ?? 0) + 1)
  }
  const [charMin, charMax] = spec.charNgrams
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] ?? ''
    add(`w:${word}`)
    if (spec.wordNgrams[1] >= 2 && i + 1 < words.length) add(`b:${word} ${words[i + 1] ?? ''}`)
    const padded = Array.from(` ${word} `)
    for (let n = charMin; n <= charMax; n += 1) {
      for (let start = 0; start + n <= padded.length; start += 1)
        add(`c:${padded.slice(start, start + n).join('')}`)
    }
  }
  return {
    indices: [...counts.keys()],
    counts: [...counts.values()],
    truncated: normalized.truncated,
  }
}
