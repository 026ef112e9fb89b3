import type { PiiSpan } from '../types.js'

// Header and payload are base64url JSON objects, so both start with `eyJ` (`{"`); the signature may
// be empty for `alg: none`. Segments cannot contain `.`, so each is read in one pass.
const JWT =
  /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,8192}\.eyJ[A-Za-z0-9_-]{4,16384}\.[A-Za-z0-9_-]{0,8192}(?![A-Za-z0-9_-])/g

/** Finds JSON Web Tokens (three base64url segments, header and payload JSON objects). */
export function detectJwts(text: string): PiiSpan[] {
  return Array.from(text.matchAll(JWT), (m) => ({
    start: m.index,
    end: m.index + m[0].length,
    label: 'JWT' as const,
    score: 0.95,
  }))
}
