import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isLuhnValid, luhnCheckDigit } from './luhn.js'

const payload = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 11, maxLength: 18 })

describe('isLuhnValid', () => {
  it('accepts published test card numbers and rejects their neighbours', () => {
    for (const card of [
      '4111111111111111',
      '5500005555555559',
      '378282246310005',
      '6011111111111117',
    ]) {
      expect(isLuhnValid(card)).toBe(true)
      const last = Number(card.at(-1))
      expect(isLuhnValid(card.slice(0, -1) + String((last + 1) % 10))).toBe(false)
    }
  })

  it('rejects non-digit input and single digits', () => {
    expect(isLuhnValid('4111-1111-1111-1111')).toBe(false)
    expect(isLuhnValid('0')).toBe(false)
    expect(isLuhnValid('')).toBe(false)
  })

  it('accepts any payload completed with its check digit', () => {
    fc.assert(fc.property(payload, (p) => isLuhnValid(p + luhnCheckDigit(p))))
  })

  it('rejects any single changed digit of a valid number', () => {
    fc.assert(
      fc.property(payload, fc.nat(), fc.integer({ min: 1, max: 9 }), (p, at, delta) => {
        const valid = p + luhnCheckDigit(p)
        const i = at % valid.length
        const flipped = String((Number(valid[i]) + delta) % 10)
        return !isLuhnValid(valid.slice(0, i) + flipped + valid.slice(i + 1))
      }),
    )
  })
})
