import type { PiiSpan } from '../types.js'

// Every quantifier is bounded and the local part may only start after a non-address character, so
// each position is tried at most once per bounded run: no quadratic rescans of long words.
const EMAIL =
  /(?<![\w.%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9-]|\.[A-Za-z0-9])/g

// `icon@2x.png` is an image at double resolution, not an address.
const RETINA_ASSET = /@\d{1,2}x\./
// "ann@site.ioHi Bob": a lower-case TLD running into a capitalised word lost its space, so cut there.
const GLUED_TLD = /\.([a-z]{2,})[A-Z][A-Za-z]*$/
const withoutGluedWord = (address: string): string => {
  const glued = GLUED_TLD.exec(address)
  return glued === null ? address : address.slice(0, glued.index + 1 + (glued[1] ?? '').length)
}

/** Finds e-mail addresses with an ASCII local part and a dotted domain ending in a letters-only TLD. */
export function detectEmails(text: string): PiiSpan[] {
  const spans: PiiSpan[] = []
  for (const m of text.matchAll(EMAIL)) {
    // Consecutive dots are invalid in an unquoted local part; reject rather than guess a sub-span.
    if (m[0].includes('..') || RETINA_ASSET.test(m[0])) continue
    spans.push({
      start: m.index,
      end: m.index + withoutGluedWord(m[0]).length,
      label: 'EMAIL',
      score: 0.95,
    })
  }
  return spans
}
