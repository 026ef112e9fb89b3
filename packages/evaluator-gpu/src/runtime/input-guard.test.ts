import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { EvaluationInput } from '../evaluator.js'
import { decodeUtf8Strict, guardInput, MAX_INPUT_CHARS } from './input-guard.js'

const invalid = expect.objectContaining({ code: 'invalid_input' }) as Error
const contextMessage = expect.stringMatching(/context/) as string
/** Plain-JavaScript callers can pass anything; the guard must hold against all of it. */
const untyped = (value: unknown): EvaluationInput => value as EvaluationInput
/** Any sequence of UTF-16 code units, lone surrogates included. */
const anyUtf16 = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 64 })
  .map((units) => String.fromCharCode(...units))

describe('input guard', () => {
  it('decodes valid UTF-8 and refuses invalid sequences with a typed error', () => {
    expect(decodeUtf8Strict(new TextEncoder().encode('héllo 👋'))).toBe('héllo 👋')
    for (const bad of [[0xc3], [0xff, 0xfe], [0xed, 0xa0, 0x80], [0xe2, 0x28, 0xa1]]) {
      expect(() => decodeUtf8Strict(Uint8Array.from(bad))).toThrow(invalid)
    }
  })

  it('takes bytes only through the strict decoder', () => {
    const bytes = new TextEncoder().encode('grüße 👋')
    expect(guardInput({ text: bytes, target: 'input' }).text).toBe('grüße 👋')
    expect(guardInput({ text: Buffer.from('abc'), target: 'input' }).text).toBe('abc')
    expect(() => guardInput({ text: Uint8Array.from([0x61, 0xff]), target: 'input' })).toThrow(
      invalid,
    )
  })

  it('refuses non-strings and cuts pathological lengths, saying so', () => {
    for (const value of [undefined, null, 1, {}, ['a'], new Uint16Array(2)]) {
      expect(() => guardInput(untyped({ text: value, target: 'input' }))).toThrow(invalid)
    }
    const cut = guardInput({ text: 'a'.repeat(MAX_INPUT_CHARS + 5), target: 'input' })
    expect(cut).toMatchObject({ cut: true })
    expect(cut.text).toHaveLength(MAX_INPUT_CHARS)
    expect(guardInput({ text: '', target: 'output' })).toMatchObject({ text: '', cut: false })
  })

  it('refuses a non-object input, an unknown target and context that is not a list of strings', () => {
    for (const value of [null, 'text', 42])
      expect(() => guardInput(untyped(value))).toThrow(invalid)
    expect(() => guardInput(untyped({ text: 'a', target: 'prompt' }))).toThrow(invalid)
    for (const context of ['one document', [1], ['ok', null], [{ text: 'doc' }]])
      expect(() => guardInput(untyped({ text: 'a', target: 'output', context }))).toThrow(
        expect.objectContaining({ code: 'invalid_input', message: contextMessage }) as Error,
      )
    expect(guardInput({ text: 'a', target: 'output', context: ['doc'] }).context).toEqual(['doc'])
  })

  it('refuses tool outputs that are not a list of strings and makes the others well-formed', () => {
    for (const toolOutputs of ['result', [7], ['ok', undefined], [{ content: 'x' }]])
      expect(() => guardInput(untyped({ text: 'a', target: 'input', toolOutputs }))).toThrow(
        expect.objectContaining({
          code: 'invalid_input',
          message: expect.stringMatching(/tool/) as string,
        }) as Error,
      )
    expect(
      guardInput({ text: 'a', target: 'input', toolOutputs: ['{"ok":true}', 'x\uD800'] })
        .toolOutputs,
    ).toEqual(['{"ok":true}', 'x\uFFFD'])
    expect(guardInput({ text: 'a', target: 'input' }).toolOutputs).toBeUndefined()
  })

  it('replaces lone surrogates with U+FFFD, keeping length and well-formed text intact', () => {
    expect(guardInput({ text: 'a\uD800b\uDC00', target: 'input' }).text).toBe('a\uFFFDb\uFFFD')
    expect(guardInput({ text: 'ok 👋', target: 'input' }).text).toBe('ok 👋')
    expect(guardInput({ text: 'x', target: 'output', context: ['\uDBFF'] }).context).toEqual([
      '\uFFFD',
    ])
    fc.assert(
      fc.property(anyUtf16, (text) => {
        const guarded = guardInput({ text, target: 'input' })
        expect(guarded.text).toHaveLength(text.length)
        expect(guarded.text.isWellFormed()).toBe(true)
        if (text.isWellFormed()) expect(guarded.text).toBe(text)
      }),
    )
  })
})
