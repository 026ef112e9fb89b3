import * as crypto from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { apiKeyMatches, apiKeyPrefix, generateApiKey, hashApiKey } from './api-key-secret.js'

// Spy on the comparison the module imports, keeping the real implementation.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof crypto>()
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) }
})

describe('API key secrets', () => {
  it('compares hashes with timingSafeEqual on a match and on a mismatch (never ===)', () => {
    const compare = vi.mocked(crypto.timingSafeEqual)
    const key = generateApiKey()
    compare.mockClear()
    expect(apiKeyMatches(key.plaintext, key.hash)).toBe(true)
    expect(apiKeyMatches(`${key.plaintext}x`, key.hash)).toBe(false)
    expect(compare).toHaveBeenCalledTimes(2)
  })

  it('refuses a stored hash of the wrong length without throwing', () => {
    expect(apiKeyMatches(generateApiKey().plaintext, 'abcd')).toBe(false)
  })

  it('matches a key only against its own hash (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(apiKeyMatches(a, hashApiKey(a))).toBe(true)
        if (a !== b) expect(apiKeyMatches(b, hashApiKey(a))).toBe(false)
      }),
    )
  })

  it('generates well-formed keys whose prefix is readable back and whose hash is not the key', () => {
    const key = generateApiKey()
    expect(apiKeyPrefix(key.plaintext)).toBe(key.prefix)
    expect(key.hash).toMatch(/^[0-9a-f]{64}$/)
    expect(key.hash).not.toContain(key.plaintext)
    expect(apiKeyPrefix('ansk_short_secret')).toBeUndefined()
  })
})
