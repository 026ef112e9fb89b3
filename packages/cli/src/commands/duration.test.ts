import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DURATION_UNITS, formatDuration, parseDuration, type DurationUnit } from './duration.js'

const unit = fc.constantFrom(...(Object.keys(DURATION_UNITS) as DurationUnit[]))
const part = fc.tuple(fc.integer({ min: 0, max: 999_999 }), unit)

describe('parseDuration', () => {
  it('reads the usual lifetimes of a key', () => {
    expect(parseDuration('30d')).toBe(30 * 86_400_000)
    expect(parseDuration('12h')).toBe(12 * 3_600_000)
    expect(parseDuration('90m')).toBe(90 * 60_000)
    expect(parseDuration('1w2d')).toBe(9 * 86_400_000)
    expect(parseDuration('1y')).toBe(365 * 86_400_000)
  })

  it('refuses anything that is not digits followed by a unit', () => {
    for (const text of [
      '',
      '30',
      'd',
      '30 d',
      '-1d',
      '1.5h',
      '30D',
      '1d ',
      ' 1d',
      '1x',
      '1234567s',
      '1d-2h',
    ])
      expect(parseDuration(text), text).toBeUndefined()
  })

  it('is the sum of its parts, in any order', () => {
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 6 }), (parts) => {
        const text = parts.map(([amount, u]) => `${amount}${u}`).join('')
        const sum = parts.reduce((total, [amount, u]) => total + amount * DURATION_UNITS[u], 0)
        expect(parseDuration(text)).toBe(sum)
      }),
    )
  })

  it('never accepts text with a character outside digits and unit letters', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        if (!/^[0-9smhdwy]*$/.test(text)) expect(parseDuration(text)).toBeUndefined()
      }),
    )
  })

  it('reads back what formatDuration writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 * 365 * 86_400 }), (seconds) => {
        expect(parseDuration(formatDuration(seconds * 1_000))).toBe(seconds * 1_000)
      }),
    )
  })
})
