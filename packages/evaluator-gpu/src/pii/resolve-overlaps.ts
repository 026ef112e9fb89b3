import type { PiiEntityType, PiiSpan } from './types.js'

// Most specific first: a prefix-anchored key beats the entropy heuristic that also fires on it, a
// Luhn-checked card beats the phone pattern that fits the same digits.
const SPECIFICITY: readonly PiiEntityType[] = [
  'PRIVATE_KEY',
  'API_KEY',
  'JWT',
  'URL_CREDENTIALS',
  'CREDIT_CARD',
  'IBAN',
  'US_SSN',
  'EMAIL',
  'IP_ADDRESS',
  'PHONE',
  'SECRET',
]
const RANK = new Map(SPECIFICITY.map((type, i) => [type, i]))

/**
 * Keeps a non-overlapping subset of `spans`, preferring the more specific type, then the longer
 * span, then the earlier one; returns it sorted by start. Linear in the covered text plus a sort.
 */
export function resolveOverlaps(spans: readonly PiiSpan[], textLength: number): PiiSpan[] {
  const ordered = [...spans].sort(
    (a, b) =>
      (RANK.get(a.label) ?? 99) - (RANK.get(b.label) ?? 99) ||
      b.end - b.start - (a.end - a.start) ||
      a.start - b.start,
  )
  // One byte per UTF-16 unit marks what is taken; each detector's own spans are disjoint, so every
  // unit is checked at most once per detector.
  const taken = new Uint8Array(textLength)
  const kept: PiiSpan[] = []
  for (const span of ordered) {
    if (span.end <= span.start || taken.subarray(span.start, span.end).includes(1)) continue
    taken.fill(1, span.start, span.end)
    kept.push(span)
  }
  return kept.sort((a, b) => a.start - b.start)
}
