import { describe, expect, it } from 'vitest'
import { detectSecrets, looksRandom } from './secret.js'

const values = (text: string): string[] =>
  detectSecrets(text).map((s) => text.slice(s.start, s.end))
const RANDOM = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Hw3kT2'
const HEX40 = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b'

describe('detectSecrets', () => {
  it('finds a random value assigned to a secret-sounding name', () => {
    expect(values(`AWS_SECRET_ACCESS_KEY=${RANDOM}`)).toEqual([RANDOM])
    expect(values(`{"client_secret": "${RANDOM}"}`)).toEqual([RANDOM])
    expect(values(`my api token is ${RANDOM}.`)).toEqual([RANDOM])
    expect(values(`Authorization: Bearer ${RANDOM}`)).toEqual([RANDOM])
    expect(values(`password := ${HEX40}`)).toEqual([HEX40])
  })

  it('ignores SHAs and UUIDs that are not assigned to a secret name', () => {
    expect(values(`commit ${HEX40}`)).toEqual([])
    expect(values('request id 550e8400-e29b-41d4-a716-446655440000')).toEqual([])
  })

  it('ignores words, paths, placeholders and short passwords', () => {
    expect(values('the token is expired')).toEqual([])
    expect(values('secret=/usr/local/share/config/app')).toEqual([])
    expect(values('API_KEY=your-api-key-goes-here')).toEqual([])
    expect(values('password: hunter2')).toEqual([])
    expect(values('key: internationalization_settings')).toEqual([])
  })

  it('needs mixed letters and digits and enough entropy for the alphabet', () => {
    expect(looksRandom(RANDOM)).toBe(true)
    expect(looksRandom('aaaaaaaaaaaaaaaaaaaaaaaa1')).toBe(false)
    expect(looksRandom('abcdefghijklmnopqrstuvwxyz')).toBe(false)
    expect(looksRandom('0123456789abcdef0123')).toBe(false)
  })
})
