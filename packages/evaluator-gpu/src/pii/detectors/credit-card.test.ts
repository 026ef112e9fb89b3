import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isLuhnValid } from '../luhn.js'
import { validCard } from '../test-arbitraries.js'
import { detectCreditCards } from './credit-card.js'

const values = (text: string): string[] =>
  detectCreditCards(text).map((s) => text.slice(s.start, s.end))

describe('detectCreditCards', () => {
  it.each([
    '4111 1111 1111 1111',
    '4111-1111-1111-1111',
    '5500005555555559',
    '3782 822463 10005',
    '6011111111111117',
    '4131034282458809939',
    '30288610434735',
  ])('finds %s', (card) => {
    expect(values(`pay with ${card}.`)).toEqual([card])
  })

  it('needs a card word for an unknown prefix or a Maestro number', () => {
    expect(values('ref 3509413199654323')).toEqual([])
    expect(values('my card 3509413199654323')).toEqual(['3509413199654323'])
    expect(values('code 630427373398')).toEqual([])
    expect(values('card number 630427373398 is lost')).toEqual(['630427373398'])
  })

  it.each([
    ['a Luhn-invalid number', '4111 1111 1111 1112'],
    ['irregular grouping', '41 1111 111 1111 111'],
    ['mixed separators', '4111-1111 1111-1111'],
    ['an ISBN-13', '978-0-306-40615-7'],
    ['repeated zeros', '0000 0000 0000 0000'],
    ['a number in a URL path', 'video.example.com/v/5716592698001/'],
    ['a longer digit run', '41111111111111110000'],
    ['digits inside a git SHA', 'commit 4111111111111111abcdef0123456789abcdef01'],
    ['a UUID', '41111111-1111-1111-1111-111111111111'],
  ])('ignores %s', (_, text) => {
    expect(values(text)).toEqual([])
  })

  it('finds every generated Luhn-valid card and none with one digit changed', () => {
    fc.assert(
      fc.property(validCard, fc.nat(), fc.integer({ min: 1, max: 9 }), (card, at, delta) => {
        expect(values(`card ${card}`)).toEqual([card])
        const i = at % card.length
        const flipped =
          card.slice(0, i) + String((Number(card[i]) + delta) % 10) + card.slice(i + 1)
        expect(isLuhnValid(flipped)).toBe(false)
        expect(values(`card ${flipped}`)).toEqual([])
      }),
    )
  })
})
