import { IBAN_LENGTHS } from './iban-lengths.js'

/** The ISO 7064 mod-97-10 remainder of an IBAN (country and check digits moved to the end). */
export function ibanRemainder(compact: string): number {
  const rearranged = `${compact.slice(4)}${compact.slice(0, 4)}`.toUpperCase()
  let remainder = 0
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0)
    // Letters count as two digits (A = 10 … Z = 35); folding per character keeps numbers small.
    if (code >= 65 && code <= 90) remainder = (remainder * 100 + (code - 55)) % 97
    else remainder = (remainder * 10 + (code - 48)) % 97
  }
  return remainder
}

/** True for an IBAN without spaces: known country, that country's length, digits/letters only, mod-97 = 1. */
export function isValidIban(compact: string): boolean {
  const upper = compact.toUpperCase()
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(upper)) return false
  if (IBAN_LENGTHS.get(upper.slice(0, 2)) !== upper.length) return false
  return ibanRemainder(upper) === 1
}
