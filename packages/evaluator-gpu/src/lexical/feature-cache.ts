import { featurize, type Features, type FeaturizerSpec } from './featurizer.js'

/** Texts remembered: enough for every text of a few micro-batches in flight across all models. */
const CAPACITY = 2_048

/**
 * Every lexical model uses the same featurizer, and one call is judged by up to four of them on
 * the same text (toxicity, refusal, bias and hallucination all read the answer), so hashing the
 * n-grams once per text instead of once per model removes most of the CPU of an evaluation.
 * A small LRU keyed by the spec and the text; the features are never mutated after creation.
 */
export class FeatureCache {
  private readonly entries = new Map<string, Features>()

  constructor(private readonly capacity = CAPACITY) {}

  /** The text's features under `spec`, computed at most once while the text stays recent. */
  get(text: string, spec: FeaturizerSpec): Features {
    const key = `${spec.buckets}:${spec.maxCodePoints}:${spec.wordNgrams.join('-')}:${spec.charNgrams.join('-')}\u0000${text}`
    const cached = this.entries.get(key)
    if (cached !== undefined) {
      // Map keeps insertion order: re-inserting marks the entry as most recently used.
      this.entries.delete(key)
      this.entries.set(key, cached)
      return cached
    }
    const features = featurize(text, spec)
    this.entries.set(key, features)
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next()
      if (oldest.done !== true) this.entries.delete(oldest.value)
    }
    return features
  }
}

/** The process-wide cache the built-in lexical models share. */
export const sharedFeatureCache = new FeatureCache()
