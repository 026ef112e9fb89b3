import { IBAN_LENGTHS } from '../iban-lengths.js'
import { isValidIban } from '../iban.js'
import type { PiiSpan } from '../types.js'

// Country code, check digits, then up to 29 alphanumerics with optional single spaces. The match may
// run past the IBAN into following words; the detector cuts it to the country's length below.
const CANDIDATE = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,29}(?![A-Za-z0-9])/g

/** Where the first `length` alphanumerics of `raw` end, or -1 when that cuts a group in half. */
const endOfFirst = (raw: string, length: number): number => {
  let seen = 0
  for (let i = 0; i < raw.length; i += 1) {
    if (raw[i] !== ' ') seen += 1
    if (seen === length) return raw[i + 1] === undefined || raw[i + 1] === ' ' ? i + 1 : -1
  }
  return -1
}

/** Finds IBANs, printed with or without spaces: per-country length and a mod-97 checksum of 1. */
export function detectIbans(text: string): PiiSpan[] {
  const spans: PiiSpan[] = []
  const pattern = new RegExp(CANDIDATE.source, 'g')
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    const raw = m[0]
    const length = IBAN_LENGTHS.get(raw.slice(0, 2).toUpperCase())
    const cut = length === undefined ? -1 : endOfFirst(raw, length)
    const value = raw.slice(0, Math.max(cut, 0))
    // Mixed case (`De89…`) is a word that happens to fit, not a printed IBAN.
    const letters = value.replace(/[^A-Za-z]/g, '')
    const oneCase = letters === letters.toUpperCase() || letters === letters.toLowerCase()
    if (cut > 0 && oneCase && isValidIban(value.replace(/ /g, ''))) {
      spans.push({ start: m.index, end: m.index + cut, label: 'IBAN', score: 0.95 })
      // Resume right after the IBAN: the candidate may have swallowed the start of the next one.
      pattern.lastIndex = m.index + cut
    } else {
      pattern.lastIndex = m.index + 1
    }
  }
  return spans
}
