import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { eventMessageKey } from './bus-messages.js'

describe('eventMessageKey', () => {
  it('is stable and always well-formed, NUL-free text (found by the API fuzzer)', () => {
    expect(eventMessageKey('p', 'gpt-4o')).toBe('p:gpt-4o')
    expect(eventMessageKey('p', 'a\u0000b\ud800')).toBe('p:a\uFFFDb\uFFFD')
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (model) => {
        const key = eventMessageKey('p', model)
        expect(key.isWellFormed()).toBe(true)
        expect(key.includes('\u0000')).toBe(false)
        expect(eventMessageKey('p', model)).toBe(key)
      }),
    )
  })
})
