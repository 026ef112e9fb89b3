import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { detectPii } from './detect-pii.js'
import { redactPii } from './redact-pii.js'
import {
  validCard,
  validEmail,
  validIban,
  validIpv4,
  validPhone,
  validSsn,
} from './test-arbitraries.js'

const filler = fc.oneof(
  fc.constantFrom(
    'hello',
    'my',
    'number',
    'is',
    'and',
    'the',
    'card',
    'mail',
    'please',
    '—',
    'émoji 🎉',
  ),
  fc.stringMatching(/^[a-z]{1,8}$/),
)
const pii = fc.oneof(validEmail, validCard, validIban, validSsn, validIpv4, validPhone)
const document = fc
  .array(fc.oneof(filler, pii), { minLength: 1, maxLength: 12 })
  .chain((parts) => fc.constantFrom(' ', '\n', ', ').map((sep) => parts.join(sep)))

describe('redactPii', () => {
  it('replaces each entity with its placeholder and keeps the rest', () => {
    const result = redactPii('Mail ann@example.com, card 4111 1111 1111 1111.')
    expect(result.text).toBe('Mail [EMAIL], card [CREDIT_CARD].')
    expect(result.spans.map((s) => s.label)).toEqual(['EMAIL', 'CREDIT_CARD'])
  })

  it('masks with a character or uses a custom replacer', () => {
    expect(redactPii('ip 86.121.97.248!', { maskChar: '*' }).text).toBe('ip *************!')
    const replacer = (_: unknown, value: string): string => `<${value.length}>`
    expect(redactPii('ip 86.121.97.248!', { replacer }).text).toBe('ip <13>!')
    expect(() => redactPii('ip 86.121.97.248', { maskChar: '**' })).toThrow(RangeError)
  })

  it('returns text without entities unchanged', () => {
    expect(redactPii('')).toEqual({ text: '', spans: [] })
    expect(redactPii('nothing to see, version 1.2.3').text).toBe('nothing to see, version 1.2.3')
  })

  it('changes nothing outside the detected spans', () => {
    fc.assert(
      fc.property(document, (text) => {
        const { text: masked, spans } = redactPii(text, { maskChar: '\u0000' })
        expect(masked.length).toBe(text.length)
        const inSpan = new Uint8Array(text.length)
        for (const s of spans) inSpan.fill(1, s.start, s.end)
        for (let i = 0; i < text.length; i += 1) {
          expect(masked[i]).toBe(inSpan[i] === 1 ? '\u0000' : text[i])
        }
      }),
    )
  })

  it('leaves no detected value in the output and finds every generated entity', () => {
    fc.assert(
      // Commas, not spaces: a phone right after another number and a space is read as its tail.
      fc.property(fc.array(fc.oneof(filler, pii), { minLength: 1, maxLength: 12 }), (parts) => {
        const text = parts.join(', ')
        const { text: redacted, spans } = redactPii(text)
        for (const s of spans) expect(redacted).not.toContain(text.slice(s.start, s.end))
        const values = new Set(spans.map((s) => text.slice(s.start, s.end)))
        for (const part of parts) if (/\d/.test(part)) expect(values.has(part)).toBe(true)
      }),
      // An international number after a word that usually announces a reference: found by a run.
      { examples: [[['ref', '+1 000 000 0000', 'a']]] },
    )
  })

  it('is idempotent: redacting the redacted text changes nothing', () => {
    fc.assert(
      fc.property(document, (text) => {
        const once = redactPii(text).text
        expect(redactPii(once).text).toBe(once)
        expect(detectPii(once)).toEqual([])
      }),
    )
  })
})
