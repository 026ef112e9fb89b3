import { hashBegin, hashByte, hashCodePoint, hashEnd, hashString } from './murmur3.js'

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

const COLON = 0x3a
const SPACE = 0x20
// Reused between calls (one featurization runs at a time): counts per bucket plus the buckets
// touched, so no Map or per-text array of bucket size is allocated.
let scratch = new Uint32Array(0)

/** Featurizes one text into bucket counts exactly as the Python training code does. */
export function featurize(text: string, spec: FeaturizerSpec = DEFAULT_FEATURIZER): Features {
  const normalized = normalizeText(text, spec.maxCodePoints)
  const words = normalized.text.match(WORD) ?? []
  if (scratch.length !== spec.buckets) scratch = new Uint32Array(spec.buckets)
  const counts = scratch
  const touched: number[] = []
  const bump = (): void => {
    const index = hashEnd() % spec.buckets
    if (counts[index] === 0) touched.push(index)
    counts[index] = (counts[index] ?? 0) + 1
  }
  const [charMin, charMax] = spec.charNgrams
  const points: number[] = []
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] ?? ''
    hashBegin()
    hashByte(0x77) // "w:" + word
    hashByte(COLON)
    hashString(word)
    bump()
    if (spec.wordNgrams[1] >= 2 && i + 1 < words.length) {
      hashBegin()
      hashByte(0x62) // "b:" + word + " " + next
      hashByte(COLON)
      hashString(word)
      hashByte(SPACE)
      hashString(words[i + 1] ?? '')
      bump()
    }
    // " " + word + " " as code points, so n-grams count astral characters once.
    points.length = 0
    points.push(SPACE)
    for (const ch of word) points.push(ch.codePointAt(0) ?? 0)
    points.push(SPACE)
    for (let n = charMin; n <= charMax; n += 1) {
      for (let start = 0; start + n <= points.length; start += 1) {
        hashBegin()
        hashByte(0x63) // "c:" + gram
        hashByte(COLON)
        for (let k = start; k < start + n; k += 1) hashCodePoint(points[k] ?? 0)
        bump()
      }
    }
  }
  const values = touched.map((index) => counts[index] ?? 0)
  for (const index of touched) counts[index] = 0
  return { indices: touched, counts: values, truncated: normalized.truncated }
}
