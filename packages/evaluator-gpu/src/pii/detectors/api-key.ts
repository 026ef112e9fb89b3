import type { PiiSpan } from '../types.js'

// Every provider format is anchored on its documented prefix and bounded, and must not touch other
// token characters on either side, so a key embedded in a longer identifier is not split.
const KEY_CHAR = 'A-Za-z0-9_\\-'
const bounded = (body: string): RegExp =>
  new RegExp(`(?<![${KEY_CHAR}])(?:${body})(?![${KEY_CHAR}])`, 'g')

/** Known secret formats by provider; the name is for tests and documentation. */
export const API_KEY_FORMATS: ReadonlyArray<{ provider: string; pattern: RegExp }> = [
  { provider: 'anthropic', pattern: bounded('sk-ant-[a-z]{2,8}\\d{2}-[A-Za-z0-9_\\-]{32,200}') },
  {
    provider: 'openai-project',
    pattern: bounded('sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\\-]{20,300}'),
  },
  { provider: 'openai-legacy', pattern: bounded('sk-[A-Za-z0-9]{32,100}') },
  { provider: 'aws-access-key-id', pattern: bounded('(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}') },
  { provider: 'github', pattern: bounded('gh[pousr]_[A-Za-z0-9]{36,251}') },
  { provider: 'github-fine-grained', pattern: bounded('github_pat_[A-Za-z0-9_]{22,255}') },
  { provider: 'gitlab', pattern: bounded('glpat-[A-Za-z0-9_\\-]{20,64}') },
  { provider: 'slack', pattern: bounded('xox[abeoprs]-\\d{6,20}-[A-Za-z0-9\\-]{8,250}') },
  { provider: 'stripe', pattern: bounded('(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,247}') },
  { provider: 'google', pattern: bounded('AIza[A-Za-z0-9_\\-]{35}') },
  { provider: 'huggingface', pattern: bounded('hf_[A-Za-z0-9]{34,40}') },
  { provider: 'npm', pattern: bounded('npm_[A-Za-z0-9]{36}') },
  { provider: 'anansi', pattern: bounded('ansk_[0-9a-z]{12}_[A-Za-z0-9_\\-]{43}') },
]

/** Finds API keys and access tokens by their provider prefixes (OpenAI, Anthropic, AWS, GitHub, …). */
export function detectApiKeys(text: string): PiiSpan[] {
  const spans: PiiSpan[] = []
  for (const { pattern } of API_KEY_FORMATS) {
    for (const m of text.matchAll(pattern)) {
      spans.push({ start: m.index, end: m.index + m[0].length, label: 'API_KEY', score: 0.99 })
    }
  }
  return spans.sort((a, b) => a.start - b.start)
}
