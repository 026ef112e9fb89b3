import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { detectPii } from './detect-pii.js'
import { PII_ENTITY_TYPES } from './types.js'

const labels = (text: string, options?: Parameters<typeof detectPii>[1]): string[] =>
  detectPii(text, options).map((s) => `${s.label}:${text.slice(s.start, s.end)}`)

// Characters every detector keys on, so random strings reach deep into each pattern.
const TRICKY = [
  ...'0123456789 -.+()@:/_=\n\'"abcfxAKIGBske',
  'sk-',
  'eyJ',
  'key=',
  '-----BEGIN RSA PRIVATE KEY-----',
]

describe('detectPii', () => {
  it('returns sorted spans of every type in one text', () => {
    const text =
      'Ann (ann@example.com, +44 20 7946 0958) paid with 4111 1111 1111 1111 from GB82 WEST 1234 5698 7654 32; ' +
      'SSN 460-89-9847, host 86.121.97.248, DATABASE_URL=postgres://app:s3cr3tP4ss@db/app'
    expect(labels(text)).toEqual([
      'EMAIL:ann@example.com',
      'PHONE:+44 20 7946 0958',
      'CREDIT_CARD:4111 1111 1111 1111',
      'IBAN:GB82 WEST 1234 5698 7654 32',
      'US_SSN:460-89-9847',
      'IP_ADDRESS:86.121.97.248',
      'URL_CREDENTIALS:app:s3cr3tP4ss',
    ])
  })

  it('prefers the more specific detector when two overlap', () => {
    // A Luhn-valid card number also fits the international phone shape.
    expect(labels('+4111 1111 1111 1111')).toEqual(['CREDIT_CARD:4111 1111 1111 1111'])
    // The SSN also fits a loose phone grouping after "call".
    expect(labels('call 460-89-9847')).toEqual(['US_SSN:460-89-9847'])
    // The URL password is not also reported as an e-mail address.
    expect(labels('https://bob:pw1234@example.com')).toEqual(['URL_CREDENTIALS:bob:pw1234'])
  })

  it('detects only the requested entity types and drops spans under minScore', () => {
    const text = 'mail ann@example.com or call 905-674-3793'
    expect(labels(text, { entities: ['PHONE'] })).toEqual(['PHONE:905-674-3793'])
    expect(labels(text, { minScore: 0.9 })).toEqual(['EMAIL:ann@example.com'])
    expect(labels(text, { entities: [] })).toEqual([])
  })

  it('returns nothing for empty text', () => {
    expect(detectPii('')).toEqual([])
  })

  it('always returns in-bounds, sorted, non-overlapping spans with known labels', () => {
    const text = fc.oneof(
      fc.string(),
      fc.string({ unit: fc.constantFrom(...TRICKY), maxLength: 200 }),
    )
    fc.assert(
      fc.property(text, (t) => {
        const spans = detectPii(t)
        let previousEnd = 0
        for (const s of spans) {
          expect(s.start).toBeGreaterThanOrEqual(previousEnd)
          expect(s.end).toBeGreaterThan(s.start)
          expect(s.end).toBeLessThanOrEqual(t.length)
          expect(PII_ENTITY_TYPES).toContain(s.label)
          expect(s.score).toBeGreaterThan(0)
          expect(s.score).toBeLessThanOrEqual(1)
          previousEnd = s.end
        }
      }),
      { numRuns: 500 },
    )
  })
})

describe('detectPii on adversarial input', () => {
  const MEGABYTE = 1_000_000
  const repeat = (unit: string): string =>
    unit.repeat(Math.ceil(MEGABYTE / unit.length)).slice(0, MEGABYTE)
  const units = [
    '1',
    '1 ',
    '1-',
    '1.',
    '+1 ',
    '(1)',
    '@',
    'a@',
    'a.',
    ':',
    'ab:',
    '1::',
    'eyJ',
    'eyJa.',
    'key=',
    'password=aB3',
    'sk-',
    'GB82 ',
    'x://a:',
    '4111 ',
    '123-45-',
    'a.b@c.d ',
    '1 2-3.4+5(6)7@8:9',
    '-----BEGIN RSA PRIVATE KEY-----\n',
    '-----BEGIN RSA PRIVATE KEY-----\nAAAAAAAAAAAAAAAA\n',
    // Many real matches, to time overlap resolution as well as the scan.
    'a@b.co ',
    '4111111111111111 ',
    '8.8.8.8 ',
    '(555) 123-4567 ',
  ]

  it.each(units)('scans 1 MB of %j in well under a second', (unit) => {
    const text = repeat(unit)
    const started = performance.now()
    detectPii(text)
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('scans 1 MB of random digits, spaces and separators in well under a second', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...TRICKY), minLength: 1, maxLength: 64 }),
        (seed) => {
          const text = repeat(seed)
          const started = performance.now()
          detectPii(text)
          expect(performance.now() - started).toBeLessThan(1000)
        },
      ),
      { numRuns: 10 },
    )
  })
})
