import { contextBefore } from '../context.js'
import type { PiiSpan } from '../types.js'

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]\\d|\\d)'
// Not inside a longer dotted number (OIDs, 5-part versions) and not glued to a word.
const IPV4 = new RegExp(`(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}(?![\\w]|\\.\\d)`, 'g')
// Coarse IPv6 candidate; `isIpv6` does the real parsing, which is far easier to get right than one regex.
const IPV6_CANDIDATE =
  /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?![\w:]|\.\w)/g
const VERSION_BEFORE = /(?:\bversion|\bver\.?|\brelease|\bbuild|\bv\.?)\s{0,2}$/i
// Unspecified, loopback and broadcast addresses identify no one.
const NOT_PERSONAL_IPV4 = /^(?:0\.0\.0\.0|127\.\d+\.\d+\.\d+|255\.255\.255\.255)$/
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/
const IPV4_EXACT = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`)

/** Finds IPv4 addresses (octets 0–255, no leading zeros) except versions, loopback and broadcast. */
export function detectIpv4(text: string): PiiSpan[] {
  const spans: PiiSpan[] = []
  for (const m of text.matchAll(IPV4)) {
    if (NOT_PERSONAL_IPV4.test(m[0]) || contextBefore(text, m.index, VERSION_BEFORE, 12)) continue
    spans.push({ start: m.index, end: m.index + m[0].length, label: 'IP_ADDRESS', score: 0.9 })
  }
  return spans
}

const explicitGroups = (part: string): string[] | undefined => {
  if (part === '') return []
  const groups = part.split(':')
  return groups.every((g) => HEX_GROUP.test(g)) ? groups : undefined
}

/**
 * True for a full or `::`-compressed IPv6 address with at least two explicit groups, one of them
 * holding a digit: that rules out `::1`-style loopbacks (not personal) and `a::b` in C++ or Rust.
 */
export function isIpv6(candidate: string): boolean {
  let body = candidate
  let tail = 0
  const lastColon = body.lastIndexOf(':')
  const suffix = body.slice(lastColon + 1)
  if (suffix.includes('.')) {
    if (!IPV4_EXACT.test(suffix)) return false
    // An embedded IPv4 address stands for two 16-bit groups.
    body = body.slice(0, lastColon + 1) + '0'
    tail = 1
  }
  const halves = body.split('::')
  if (halves.length > 2) return false
  const groups = halves.map(explicitGroups)
  if (groups.some((g) => g === undefined)) return false
  const all = groups.flatMap((g) => g ?? [])
  const count = all.length + tail
  if (halves.length === 1 ? count !== 8 : count > 7) return false
  return all.length >= 2 && all.some((g) => /\d/.test(g))
}

/** Finds IPv6 addresses, full or compressed, optionally with an embedded IPv4 tail. */
export function detectIpv6(text: string): PiiSpan[] {
  const spans: PiiSpan[] = []
  for (const m of text.matchAll(IPV6_CANDIDATE)) {
    let value = m[0]
    // A single trailing colon is punctuation ("fe80::1: unreachable"), not part of the address.
    if (value.endsWith(':') && !value.endsWith('::')) value = value.slice(0, -1)
    if (!isIpv6(value)) continue
    spans.push({ start: m.index, end: m.index + value.length, label: 'IP_ADDRESS', score: 0.9 })
  }
  return spans
}
