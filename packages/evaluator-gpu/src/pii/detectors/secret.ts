import { shannonEntropy } from '../entropy.js'
import type { PiiSpan } from '../types.js'

// A secret-sounding name (possibly inside an identifier such as OPENAI_API_KEY or "client_secret"),
// an assignment (`=`, `:`, `=>`, `is`) and optional quotes or `Bearer`; the value is read after it.
const ASSIGNMENT =
  /(?:key|secret|token|passwd|password|pwd|credentials?|auth)[A-Za-z0-9_-]{0,20}["']?[ \t]{0,3}(?::=|=>|[:=]|[ \t]is\b)[ \t]{0,3}(?:["'`]|bearer[ \t]{1,3})?/gi
// Read with a sticky regex, not inside ASSIGNMENT: a value that is too long then fails once instead
// of backtracking through every shorter length.
const VALUE = /[A-Za-z0-9+/=_\-.~]{1,513}/y
const MIN_LENGTH = 16
const MAX_LENGTH = 512
const HEX = /^[0-9a-f]+$/i

/**
 * True when a value looks machine-generated: letters and digits mixed, and enough entropy for its
 * alphabet (hex needs ≥ 32 characters and 3.0 bits/char; base64-ish ≥ 20 characters and 3.5).
 * Words, paths and placeholders fall below; the thresholds favour missing a weak key over noise.
 */
export function looksRandom(value: string): boolean {
  if (!/\d/.test(value) || !/[A-Za-z]/.test(value)) return false
  if (HEX.test(value)) return value.length >= 32 && shannonEntropy(value) >= 3.0
  return value.length >= 20 && shannonEntropy(value) >= 3.5
}

/** Finds high-entropy values assigned to a key/secret/token/password name. */
export function detectSecrets(text: string): PiiSpan[] {
  const spans: PiiSpan[] = []
  const names = new RegExp(ASSIGNMENT.source, ASSIGNMENT.flags)
  for (let m = names.exec(text); m !== null; m = names.exec(text)) {
    const start = m.index + m[0].length
    VALUE.lastIndex = start
    const raw = VALUE.exec(text)?.[0] ?? ''
    // Never rescan a value: the next name is looked for after it, which keeps the scan linear.
    names.lastIndex = Math.max(names.lastIndex, start + raw.length)
    // A sentence-final period is punctuation, not part of the token.
    const value = raw.replace(/\.+$/, '')
    if (raw.length > MAX_LENGTH || value.length < MIN_LENGTH || !looksRandom(value)) continue
    spans.push({ start, end: start + value.length, label: 'SECRET', score: 0.7 })
  }
  return spans
}
