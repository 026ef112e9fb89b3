import { contextBefore } from '../context.js'
import type { PiiSpan } from '../types.js'

// AAA-GG-SSSS with a consistent dash or space, or nine bare digits (those only after an SSN keyword).
const CANDIDATE = /(?<![\w.-]|\d-)(\d{3})([- ]?)(\d{2})\2(\d{4})(?![\w]|[.-]\d|\2\d)/g
const SSN_BEFORE = /(?:\bssns?\b|\bss#|\bsocial security\b)[^\d]{0,24}$/i
// Published as examples (Woolworth's wallet card, SSA advertising), so never a real person's number.
const KNOWN_FAKE = new Set(['078051120', '219099999', '123456789'])

/** SSA rules: no area 000, 666 or 900–999; no group 00; no serial 0000. */
export function isValidSsn(area: string, group: string, serial: string): boolean {
  if (area === '000' || area === '666' || area.startsWith('9')) return false
  if (group === '00' || serial === '0000') return false
  return !KNOWN_FAKE.has(`${area}${group}${serial}`)
}

/** Finds US social security numbers; dashed ones anywhere, spaced or bare ones after an SSN keyword. */
export function detectUsSsns(text: string): PiiSpan[] {
  const spans: PiiSpan[] = []
  for (const m of text.matchAll(CANDIDATE)) {
    const [raw, area = '', separator = '', group = '', serial = ''] = m
    if (!isValidSsn(area, group, serial)) continue
    const inContext = contextBefore(text, m.index, SSN_BEFORE)
    if (separator !== '-' && !inContext) continue
    const score = inContext ? 0.95 : 0.8
    spans.push({ start: m.index, end: m.index + raw.length, label: 'US_SSN', score })
  }
  return spans
}
