import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { validIban } from '../test-arbitraries.js'
import { detectIbans } from './iban.js'

const values = (text: string): string[] => detectIbans(text).map((s) => text.slice(s.start, s.end))
const grouped = (iban: string): string => iban.replace(/(.{4})(?=.)/g, '$1 ')

describe('detectIbans', () => {
  it('finds IBANs with and without spaces, upper or lower case', () => {
    expect(values('IBAN GB82 WEST 1234 5698 7654 32 EUR')).toEqual(['GB82 WEST 1234 5698 7654 32'])
    expect(values('to DE89370400440532013000.')).toEqual(['DE89370400440532013000'])
    expect(values('my iban is gb42nawi04454264788619')).toEqual(['gb42nawi04454264788619'])
  })

  it('finds two IBANs in a row, even short ones', () => {
    expect(values('NO9386011117947 NO9386011117947')).toEqual([
      'NO9386011117947',
      'NO9386011117947',
    ])
  })

  it.each([
    ['a bad checksum', 'GB83WEST12345698765432'],
    ['a wrong length', 'GB82WEST123456987654321'],
    ['an unknown country', 'ZZ82WEST12345698765432'],
    ['mixed case', 'Gb82West12345698765432'],
    ['a group cut in half', 'GB82 WEST 1234 5698 7654 3200'],
  ])('ignores %s', (_, text) => {
    expect(values(text)).toEqual([])
  })

  it('finds every generated IBAN, printed in groups of four or not, and none with a digit changed', () => {
    fc.assert(
      fc.property(
        validIban,
        fc.boolean(),
        fc.nat(),
        fc.integer({ min: 1, max: 9 }),
        (iban, spaced, at, delta) => {
          const printed = spaced ? grouped(iban) : iban
          expect(values(`pay ${printed} now`)).toEqual([printed])
          const digits = [...iban].flatMap((ch, i) => (i >= 2 && /\d/.test(ch) ? [i] : []))
          const i = digits[at % digits.length] ?? 2
          const flipped =
            iban.slice(0, i) + String((Number(iban[i]) + delta) % 10) + iban.slice(i + 1)
          expect(values(`pay ${flipped} now`)).toEqual([])
        },
      ),
    )
  })
})
