import { describe, expect, it } from 'vitest'
import { detectApiKeys } from './api-key.js'

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
// Keys are assembled at run time so no secret-scanner ever sees a key-shaped literal in the source.
const token = (length: number, seed = 7, alphabet = ALNUM): string => {
  let state = seed
  let out = ''
  for (let i = 0; i < length; i += 1) {
    state = (state * 1103515245 + 12345) % 2147483648
    out += alphabet[state % alphabet.length] ?? 'A'
  }
  return out
}
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const values = (text: string): string[] =>
  detectApiKeys(text).map((s) => text.slice(s.start, s.end))

describe('detectApiKeys', () => {
  it.each([
    ['OpenAI project', `sk-proj-${token(40)}_${token(20, 3)}`],
    ['OpenAI legacy', `sk-${token(48)}`],
    ['Anthropic', `sk-ant-api03-${token(93)}AA`],
    ['AWS access key id', `AKIA${token(16, 7, UPPER)}`],
    ['AWS session key id', `ASIA${token(16, 9, UPPER)}`],
    ['GitHub classic', `ghp_${token(36)}`],
    ['GitHub app', `ghs_${token(36)}`],
    ['GitHub fine-grained', `github_pat_${token(22)}_${token(59, 5)}`],
    ['Slack', `xoxb-123456789012-1234567890123-${token(24)}`],
    ['Stripe', `sk_live_${token(24)}`],
    ['Stripe restricted', `rk_live_${token(24)}`],
    ['Google', `AIza${token(35)}`],
    ['Anansi', `ansk_${token(12, 3, 'abcdefghijklmnopqrstuvwxyz0123456789')}_${token(43)}`],
  ])('finds a %s key', (_, key) => {
    expect(values(`export KEY="${key}"`)).toEqual([key])
    expect(values(key)).toEqual([key])
  })

  it.each([
    ['a short sk- word', 'sk-learn and sk-12345'],
    ['a Slack placeholder', 'xoxb-your-token-here'],
    ['AKIA in lower case', `akia${token(16, 7, UPPER).toLowerCase()}`],
    ['a GitHub prefix that is too short', `ghp_${token(20)}`],
    ['a key glued inside a longer identifier', `myghp_${token(36)}x`],
    ['a publishable Stripe key', `pk_live_${token(24)}`],
  ])('ignores %s', (_, text) => {
    expect(values(text)).toEqual([])
  })
})
