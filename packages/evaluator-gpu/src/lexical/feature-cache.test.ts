import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FeatureCache } from './feature-cache.js'
import { DEFAULT_FEATURIZER, featurize } from './featurizer.js'

describe('FeatureCache', () => {
  it('answers exactly what the featurizer answers, cached or not', () => {
    const cache = new FeatureCache(8)
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 200 }), { maxLength: 30 }), (texts) => {
        for (const text of [...texts, ...texts]) {
          expect(cache.get(text, DEFAULT_FEATURIZER)).toEqual(featurize(text, DEFAULT_FEATURIZER))
        }
      }),
    )
  })

  it('computes a recent text once and evicts the least recently used beyond capacity', () => {
    const cache = new FeatureCache(2)
    const a = cache.get('alpha text', DEFAULT_FEATURIZER)
    expect(cache.get('alpha text', DEFAULT_FEATURIZER)).toBe(a)
    cache.get('beta text', DEFAULT_FEATURIZER)
    cache.get('alpha text', DEFAULT_FEATURIZER) // alpha is now the most recent
    cache.get('gamma text', DEFAULT_FEATURIZER) // evicts beta
    expect(cache.get('alpha text', DEFAULT_FEATURIZER)).toBe(a)
  })

  it('keeps different featurizer specs apart', () => {
    const cache = new FeatureCache()
    const small = { ...DEFAULT_FEATURIZER, buckets: 1024 }
    const wide = cache.get('same text', DEFAULT_FEATURIZER)
    const narrow = cache.get('same text', small)
    expect(narrow).toEqual(featurize('same text', small))
    expect(narrow).not.toEqual(wide)
  })
})
