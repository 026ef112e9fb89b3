import { cardNetwork } from '../card-networks.js'
import { contextBefore } from '../context.js'
import { isLuhnValid } from '../luhn.js'
import type { PiiSpan } from '../types.js'

// 12–19 digits in one run, or in a printed layout with one consistent separator: fours with a short
// tail (4-4-4-1…4, 4-4-4-4-3) or Amex/Diners 4-6-5 and 4-6-4. No start inside a number, a dashed
// sequence or a URL path. Every alternative is a fixed shape, so the scan is linear.
const CANDIDATE =
  /(?<![\w.\-/]|\d-)(?:\d{12,19}|\d{4}([ -])\d{4}\1\d{4}\1(?:\d{4}\1\d{3}|\d{1,4})|\d{4}([ -])\d{6}\2\d{4,5})(?![\w]|[.,]\d)/g
const CARD_BEFORE =
  /\b(?:card|cards|cc|credit|debit|visa|mastercard|amex|maestro|discover|jcb|diners|payment|pan)\b[^\d]{0,24}$/i

/**
 * Scores a card-number candidate: Luhn-valid with a known network prefix and length is a card; a
 * Luhn-valid number of unknown prefix counts only right after a word such as "card" or "cc".
 */
const scoreCandidate = (text: string, start: number, raw: string): number => {
  const digits = raw.replace(/[ -]/g, '')
  if (/^(\d)\1+$/.test(digits) || !isLuhnValid(digits)) return 0
  const network = cardNetwork(digits)
  const inContext = contextBefore(text, start, CARD_BEFORE)
  // Maestro's ranges are broad (56–58…) and its numbers short: a prefix alone proves little.
  if (network === 'maestro' || digits.length === 12)
    return network === 'maestro' && inContext ? 0.8 : 0
  if (network !== undefined) return inContext ? 0.99 : 0.9
  return inContext ? 0.7 : 0
}

/** Finds payment-card numbers (12–19 digits, optional space or dash groups, Luhn-valid). */
export function detectCreditCards(text: string): PiiSpan[] {
  const spans: PiiSpan[] = []
  const candidates = new RegExp(CANDIDATE.source, CANDIDATE.flags)
  for (let m = candidates.exec(text); m !== null; m = candidates.exec(text)) {
    const score = scoreCandidate(text, m.index, m[0])
    if (score > 0) {
      spans.push({ start: m.index, end: m.index + m[0].length, label: 'CREDIT_CARD', score })
    } else {
      // The candidate may have started with an unrelated group ("ref 12 4111 1111 1111 1111"):
      // retry from its second group, which moves on by a group each time and keeps the scan linear.
      const gap = m[0].search(/[ -]/)
      candidates.lastIndex = gap === -1 ? m.index + m[0].length : m.index + gap + 1
    }
  }
  return spans
}
