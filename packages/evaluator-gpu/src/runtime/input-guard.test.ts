import { describe, expect, it } from 'vitest'
import { decodeUtf8Strict, guardInput, MAX_INPUT_CHARS } from './input-guard.js'

describe('input guard', () => {
  it('decodes valid UTF-8 and refuses invalid sequences with a typed error', () => {
    expect(decodeUtf8Strict(new TextEncoder().encode('héllo 👋'))).toBe('héllo 👋')
    for (const bad of [[0xc3], [0xff, 0xfe], [0xed, 0xa0, 0x80], [0xe2, 0x28, 0xa1]]) {
      expect(() => decodeUtf8Strict(Uint8Array.from(bad))).toThrow(
        expect.objectContaining({ code: 'invalid_input' }) as Error,
      )
    }
  })

  it('refuses non-strings and cuts pathological lengths, saying so', () => {
    for (const value of [undefined, null, 1, {}, ['a']]) {
      expect(() => guardInput({ text: value as string, target: 'input' })).toThrow(
        expect.objectContaining({ code: 'invalid_input' }) as Error,
      )
    }
    const cut = guardInput({ text: 'a'.repeat(MAX_INPUT_CHARS + 5), target: 'input' })
    expect(cut).toMatchObject({ cut: true })
    expect(cut.text).toHaveLength(MAX_INPUT_CHARS)
  })
})
