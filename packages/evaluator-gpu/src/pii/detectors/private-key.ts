import type { PiiSpan } from '../types.js'

const HEADER =
  /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----/g
// What a truncated key body looks like: whole lines of base64, or PEM headers such as
// `Proc-Type: 4,ENCRYPTED`. Prose lines have spaces, so the body stops where the key stops.
const BODY =
  /(?:(?:[ \t]*\r?\n)+(?:[A-Za-z-]{1,32}: [^\n]{0,200}|[A-Za-z0-9+/=]{8,100}(?=[ \t]*(?:\r?\n|$)))){0,2000}/y
const MAX_BLOCK = 65_536

/**
 * Finds PEM and PGP private-key blocks. A block without its END line (a truncated paste) still
 * leaks the key, so it runs to the end of the base64 body instead.
 */
export function detectPrivateKeys(text: string): PiiSpan[] {
  const spans: PiiSpan[] = []
  let lastEnd = 0
  // One END lookup per label, reused for every BEGIN before it: many BEGINs cannot make this quadratic.
  const endByLabel = new Map<string, number>()
  for (const m of text.matchAll(HEADER)) {
    const label = m[1] ?? ''
    const headerEnd = m.index + m[0].length
    const footer = `-----END ${label}-----`
    let endAt = endByLabel.get(label)
    if (endAt === undefined || (endAt !== -1 && endAt < headerEnd)) {
      endAt = text.indexOf(footer, headerEnd)
      endByLabel.set(label, endAt)
    }
    let end: number
    if (endAt !== -1 && endAt - headerEnd <= MAX_BLOCK) {
      end = endAt + footer.length
    } else {
      BODY.lastIndex = headerEnd
      end = headerEnd + (BODY.exec(text)?.[0].length ?? 0)
    }
    // A BEGIN inside the previous block is part of that block (e.g. a key quoted in a key).
    if (m.index < lastEnd) continue
    spans.push({ start: m.index, end, label: 'PRIVATE_KEY', score: 1 })
    lastEnd = end
  }
  return spans
}
