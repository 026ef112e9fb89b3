import { contextAfter, contextBefore } from '../context.js'
import type { PiiSpan } from '../types.js'

// A candidate is an optional `+CC`, a first group that may be an area code in parentheses, then
// digit groups each after one space, dot or dash, then an optional extension. A separator is
// mandatory between groups, so a run of digits splits one way only and backtracking stays bounded.
// Only a `+` may start right after another number ("+32 2640 9140 +32 2645 1850"); other starts
// after a digit or a `[LABEL]` placeholder and a separator are the middle of something longer, and
// treating a placeholder like a digit keeps redaction idempotent.
const CANDIDATE =
  /(?:(?<![\w+.\-/:@])\+\d{1,3}[ .-]?|(?<![\w+.\-/:@]|[\d\]][ .-]))(?:\(\d{1,5}\)|\d{1,15})(?:(?:[ .-]|(?<=\)))\d{1,15}){0,6}(?:[ ]?(?:x|ext\.?|extension)[ ]?\d{1,6})?(?![\w]|[.-]\d)/gi
const EXTENSION = /[ ]?(?:x|ext\.?|extension)[ ]?\d{1,6}$/i
// Area code cannot start with 0 or 1; without parentheses both separators must agree.
const NANP = /^(?:\+?1[ .-]?)?(?:\([2-9]\d{2}\) ?\d{3}[ .-]|[2-9]\d{2}([ .-])\d{3}\1)\d{4}$/
// Words that announce a number; field names that are also ordinary words need a colon ("Office:").
// Not inside a `[PHONE]` placeholder, or redacting twice would find more than redacting once.
const PHONE_BEFORE =
  /(?:(?<!\[)\b(?:phone|tel|telephone|mobile|mob|cell|cellphone|fax|call|calling|text me|txt|sms|whatsapp|dial|contact|reach|landline)\b[^\d\n]{0,12}|\b(?:desk|office|home|work)[ \t]?:[ \t]*)\n?[^\d\n]{0,4}$/i
const PHONE_AFTER = /^[ -]{0,2}\(?(?:office|fax|mobile|home|work|cell|phone|tel)\b/i
const NOT_PHONE_BEFORE =
  /\b(?:isbn|issn|doi|version|ver|build|order|invoice|ref|reference|serial|sku|tracking|account|acct|iban|ssn|zip|postal|box|id)\b[^\d]{0,6}$/i
// Day-month-year, year-month-day and the like, with any of the separators a phone may use.
const DATE_LIKE = /^(?:\d{4}[ .-]\d{1,2}[ .-]\d{1,2}|\d{1,2}[ .-]\d{1,2}[ .-]\d{2,4})$/

interface Shape {
  digits: string
  groups: string[]
  separators: Set<string>
}

const shapeOf = (main: string): Shape => {
  const groups = main.replace(/^\+/, '').split(/[ .-]|(?<=\))/)
  const separators = new Set(main.match(/[ .-]/g) ?? [])
  return { digits: main.replace(/\D/g, ''), groups: groups.filter((g) => g !== ''), separators }
}

const isInternational = (main: string, shape: Shape): boolean => {
  // The `(0)` trunk digit written after a country code is not dialled internationally.
  const digits = main.replace(/\(0\)/, '').replace(/\D/g, '')
  if (main.startsWith('+')) return digits.length >= 8 && digits.length <= 15 && digits[0] !== '0'
  if (!/^00[1-9]/.test(main) || shape.groups.length < 2) return false
  return digits.length - 2 >= 8 && digits.length - 2 <= 15
}

const isTrunkNational = (main: string, shape: Shape): boolean =>
  /^\(?0[1-9]/.test(main) &&
  shape.digits.length >= 9 &&
  shape.digits.length <= 11 &&
  // Two groups are also how addresses start ("03262 2437 Main St"), so they need a full number.
  (shape.groups.length >= 3 || shape.digits.length >= 10) &&
  shape.groups.every((g) => g.replace(/\D/g, '').length >= 2) &&
  shape.separators.size <= 1

const isContextual = (text: string, start: number, end: number, shape: Shape): boolean => {
  if (shape.digits.length < 7 || shape.digits.length > 12) return false
  if (!shape.groups.every((g) => g.replace(/\D/g, '').length >= 2)) return false
  return contextBefore(text, start, PHONE_BEFORE) || contextAfter(text, end, PHONE_AFTER)
}

const scoreCandidate = (text: string, start: number, raw: string): number => {
  const main = raw.replace(EXTENSION, '')
  // Cheap digit-count gate first: context checks cost a small regex scan each.
  const digitCount = main.replace(/\D/g, '').length
  if (digitCount < 7 || digitCount > 17) return 0
  const shape = shapeOf(main)
  // A leading `+` is a dialling prefix no reference, order or account number carries, so it
  // outweighs the words before it ("ref, +1 000 000 0000": found by the redaction property test).
  const international = isInternational(main, shape)
  if (international && main.startsWith('+')) return 0.9
  if (contextBefore(text, start, NOT_PHONE_BEFORE, 24)) return 0
  const end = start + raw.length
  if (international) return 0.9
  if (DATE_LIKE.test(main)) return 0
  if (NANP.test(main)) return 0.85
  if (isTrunkNational(main, shape)) return 0.75
  return isContextual(text, start, end, shape) ? 0.6 : 0
}

/**
 * The longest accepted prefix of a candidate that ends where a space separates groups: a space may
 * join two different numbers ("+68 347 887 1771 528-37-5437"), so a rejected candidate is cut back
 * one space-joined group at a time (at most six times).
 */
const longestPhonePrefix = (
  text: string,
  start: number,
  raw: string,
): { score: number; length: number } => {
  for (let length = raw.length; length > 0; length = raw.lastIndexOf(' ', length - 1)) {
    const score = scoreCandidate(text, start, raw.slice(0, length))
    if (score > 0) return { score, length }
  }
  return { score: 0, length: 0 }
}

/**
 * Finds phone numbers: international (`+CC …`, `00CC …`), North American (`(555) 123-4567`),
 * trunk-prefixed national (`0490 75 40 81`), and looser groupings only next to a phone keyword.
 */
export function detectPhones(text: string): PiiSpan[] {
  const spans: PiiSpan[] = []
  const candidates = new RegExp(CANDIDATE.source, CANDIDATE.flags)
  for (let m = candidates.exec(text); m !== null; m = candidates.exec(text)) {
    const { score, length } = longestPhonePrefix(text, m.index, m[0])
    if (score > 0) {
      spans.push({ start: m.index, end: m.index + length, label: 'PHONE', score })
      candidates.lastIndex = m.index + length
    }
  }
  return spans
}
