import type { PiiSpan } from '../types.js'

// scheme://user:password@host — the user part cannot hold `:` and the password cannot hold `@`, so
// where each ends is fixed; group 1 is the `user:password` the span covers.
const URL_CREDENTIALS =
  /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,15}:\/\/([^\s:/?#@[\]]{1,128}:[^\s/?#@[\]]{1,256})@(?=[A-Za-z0-9[])/g
// Documentation placeholders, not secrets: `${DB_PASSWORD}`, `<password>`, `{{pass}}`, `****`.
const PLACEHOLDER = /^(?:[$<{%]|\*+$|x+$|(?:password|pass|passwd|pwd|secret|pass(?:word)?123)$)/i

/** Finds `user:password` embedded in URLs (`postgres://app:s3cret@db:5432`). */
export function detectUrlCredentials(text: string): PiiSpan[] {
  const spans: PiiSpan[] = []
  for (const m of text.matchAll(URL_CREDENTIALS)) {
    const userinfo = m[1] ?? ''
    const password = userinfo.slice(userinfo.indexOf(':') + 1)
    if (PLACEHOLDER.test(password)) continue
    const start = m.index + m[0].length - 1 - userinfo.length
    spans.push({ start, end: start + userinfo.length, label: 'URL_CREDENTIALS', score: 0.9 })
  }
  return spans
}
