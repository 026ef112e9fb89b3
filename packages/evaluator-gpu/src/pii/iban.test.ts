import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isValidIban } from './iban.js'
import { validIban } from './test-arbitraries.js'

describe('isValidIban', () => {
  it('accepts the registry examples', () => {
    for (const iban of [
      'GB82WEST12345698765432',
      'DE89370400440532013000',
      'NO9386011117947',
      'FR1420041010050500013M02606',
    ]) {
      expect(isValidIban(iban)).toBe(true)
    }
  })

  it('rejects a wrong length, an unknown country and a bad checksum', () => {
    expect(isValidIban('GB82WEST1234569876543')).toBe(false)
    expect(isValidIban('ZZ82WEST12345698765432')).toBe(false)
    expect(isValidIban('GB83WEST12345698765432')).toBe(false)
  })

  it('accepts every generated IBAN with correct check digits', () => {
    fc.assert(fc.property(validIban, (iban) => isValidIban(iban)))
  })

  it('rejects a generated IBAN with one digit changed', () => {
    fc.assert(
      fc.property(validIban, fc.nat(), fc.integer({ min: 1, max: 9 }), (iban, at, delta) => {
        const digits = [...iban].flatMap((ch, i) => (i >= 2 && /\d/.test(ch) ? [i] : []))
        const i = digits[at % digits.length] ?? 2
        const flipped = String((Number(iban[i]) + delta) % 10)
        return !isValidIban(iban.slice(0, i) + flipped + iban.slice(i + 1))
      }),
    )
  })
})
