import { detectApiKeys } from './detectors/api-key.js'
import { detectCreditCards } from './detectors/credit-card.js'
import { detectEmails } from './detectors/email.js'
import { detectIbans } from './detectors/iban.js'
import { detectIpv4, detectIpv6 } from './detectors/ip-address.js'
import { detectJwts } from './detectors/jwt.js'
import { detectPhones } from './detectors/phone.js'
import { detectPrivateKeys } from './detectors/private-key.js'
import { detectSecrets } from './detectors/secret.js'
import { detectUrlCredentials } from './detectors/url-credentials.js'
import { detectUsSsns } from './detectors/us-ssn.js'
import { resolveOverlaps } from './resolve-overlaps.js'
import { PII_ENTITY_TYPES, type PiiDetector, type PiiEntityType, type PiiSpan } from './types.js'

/** Which entities to look for and how confident a match must be. */
export interface DetectPiiOptions {
  /** Entity types to detect; all of `PII_ENTITY_TYPES` when omitted. */
  entities?: readonly PiiEntityType[]
  /** Drop spans scoring below this (0–1); 0 when omitted. */
  minScore?: number
}

const DETECTORS: Readonly<Record<PiiEntityType, readonly PiiDetector[]>> = {
  PRIVATE_KEY: [detectPrivateKeys],
  API_KEY: [detectApiKeys],
  URL_CREDENTIALS: [detectUrlCredentials],
  JWT: [detectJwts],
  SECRET: [detectSecrets],
  CREDIT_CARD: [detectCreditCards],
  US_SSN: [detectUsSsns],
  IBAN: [detectIbans],
  EMAIL: [detectEmails],
  PHONE: [detectPhones],
  IP_ADDRESS: [detectIpv4, detectIpv6],
}

/**
 * Finds PII and secrets in `text`: sorted, non-overlapping UTF-16 spans. Every pattern is bounded,
 * so time grows linearly with the text.
 * @example detectPii('mail me at ann@example.com') // [{ start: 11, end: 26, label: 'EMAIL', score: 0.95 }]
 */
export function detectPii(text: string, options: DetectPiiOptions = {}): PiiSpan[] {
  const entities = options.entities ?? PII_ENTITY_TYPES
  const minScore = options.minScore ?? 0
  const found: PiiSpan[] = []
  for (const type of new Set(entities)) {
    for (const detect of DETECTORS[type]) {
      for (const span of detect(text)) if (span.score >= minScore) found.push(span)
    }
  }
  return resolveOverlaps(found, text.length)
}
