// Test-only fast-check generators of valid PII values; nothing in the package entry imports this.
import fc from 'fast-check'
import { IBAN_LENGTHS } from './iban-lengths.js'
import { ibanRemainder } from './iban.js'
import { luhnCheckDigit } from './luhn.js'

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'
const digits = (min: number, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max })

/** Any registry country with a random BBAN of that country's length and correct check digits. */
export const validIban: fc.Arbitrary<string> = fc
  .constantFrom(...IBAN_LENGTHS.keys())
  .chain((country) => {
    const bbanLength = (IBAN_LENGTHS.get(country) ?? 5) - 4
    return fc
      .string({
        unit: fc.constantFrom(...ALPHANUMERIC),
        minLength: bbanLength,
        maxLength: bbanLength,
      })
      .map((bban) => {
        const check = 98 - ibanRemainder(`${country}00${bban}`)
        return `${country}${String(check).padStart(2, '0')}${bban}`
      })
  })

/** A Luhn-valid 16-digit Visa or Mastercard number, or a 15-digit Amex one, without separators. */
export const validCard: fc.Arbitrary<string> = fc
  .oneof(
    digits(14, 14).map((d) => `4${d}`),
    fc.integer({ min: 51, max: 55 }).chain((p) => digits(13, 13).map((d) => `${p}${d}`)),
    fc.constantFrom('34', '37').chain((p) => digits(12, 12).map((d) => `${p}${d}`)),
  )
  .map((payload) => payload + luhnCheckDigit(payload))

/** A dashed SSN outside the SSA's never-issued ranges. */
export const validSsn: fc.Arbitrary<string> = fc
  .tuple(
    fc.integer({ min: 1, max: 899 }).filter((a) => a !== 666),
    fc.integer({ min: 1, max: 99 }),
    fc.integer({ min: 1, max: 9999 }),
  )
  .map(
    ([a, g, s]) =>
      `${String(a).padStart(3, '0')}-${String(g).padStart(2, '0')}-${String(s).padStart(4, '0')}`,
  )
  .filter((ssn) => !['078-05-1120', '219-09-9999', '123-45-6789'].includes(ssn))

/** A simple address at a generated domain. */
export const validEmail: fc.Arbitrary<string> = fc
  .tuple(
    fc.stringMatching(/^[a-z][a-z0-9]{0,10}(?:\.[a-z0-9]{1,8})?$/),
    fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/),
    fc.constantFrom('com', 'org', 'io', 'co.uk', 'de'),
  )
  .map(([local, domain, tld]) => `${local}@${domain}.${tld}`)

/** A routable-looking IPv4 address (first octet 1–223, not loopback). */
export const validIpv4: fc.Arbitrary<string> = fc
  .tuple(
    fc.integer({ min: 1, max: 223 }).filter((o) => o !== 127),
    fc.nat(255),
    fc.nat(255),
    fc.nat(255),
  )
  .map((octets) => octets.join('.'))

/** Phone numbers in formats the detector accepts without any context. */
export const validPhone: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(fc.integer({ min: 200, max: 999 }), digits(3, 3), digits(4, 4))
    .map(([a, b, c]) => `(${a}) ${b}-${c}`),
  fc
    .tuple(fc.integer({ min: 1, max: 99 }), digits(3, 3), digits(3, 3), digits(4, 4))
    .map((g) => `+${g.join(' ')}`),
)
