import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** Every key starts with this, so leaked keys are easy to recognise (and secret scanners can match them). */
export const API_KEY_TAG = 'ansk'

const FORMAT = /^ansk_([0-9a-z]{12})_([A-Za-z0-9_-]{43})$/

/** A freshly generated key: the plaintext (shown once), its public prefix and the hash to store. */
export interface GeneratedApiKey {
  plaintext: string
  prefix: string
  hash: string
}

/**
 * Generates `ansk_<prefix>_<secret>`: a 12-character public prefix used to look the key up, and
 * 256 random bits. A single SHA-256 suffices as the stored hash because the secret is uniformly
 * random; slow KDFs protect low-entropy passwords, not 256-bit keys.
 */
export function generateApiKey(): GeneratedApiKey {
  // The prefix is public (a lookup id), so the slight modulo bias here costs no secrecy.
  const prefix = Array.from(
    randomBytes(12),
    (b) => '0123456789abcdefghijklmnopqrstuvwxyz'[b % 36],
  ).join('')
  const plaintext = `${API_KEY_TAG}_${prefix}_${randomBytes(32).toString('base64url')}`
  return { plaintext, prefix, hash: hashApiKey(plaintext) }
}

/** The stored form of a key. */
export function hashApiKey(plaintext: string): string {
  return createHash('sha256').update(plaintext, 'utf8').digest('hex')
}

/** Reads the public prefix of a well-formed key, or undefined for anything else. */
export function apiKeyPrefix(plaintext: string): string | undefined {
  return FORMAT.exec(plaintext)?.[1]
}

/** Compares a presented key with a stored hash in constant time. */
export function apiKeyMatches(plaintext: string, storedHash: string): boolean {
  const presented = Buffer.from(hashApiKey(plaintext), 'hex')
  const stored = Buffer.from(storedHash, 'hex')
  return presented.length === stored.length && timingSafeEqual(presented, stored)
}
