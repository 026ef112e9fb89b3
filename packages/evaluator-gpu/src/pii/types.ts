/** Every entity type the PII rules detect, in order of severity (most severe first). */
export const PII_ENTITY_TYPES = [
  'PRIVATE_KEY',
  'API_KEY',
  'URL_CREDENTIALS',
  'JWT',
  'CREDIT_CARD',
  'US_SSN',
  'SECRET',
  'IBAN',
  'EMAIL',
  'PHONE',
  'IP_ADDRESS',
] as const

/** One PII entity type, e.g. `EMAIL` or `CREDIT_CARD`. */
export type PiiEntityType = (typeof PII_ENTITY_TYPES)[number]

/** A detected entity: UTF-16 offsets into the text (end exclusive), its type and a confidence in [0, 1]. */
export interface PiiSpan {
  start: number
  end: number
  label: PiiEntityType
  score: number
}

/** One detector: finds every candidate of its entity types; overlaps between detectors are resolved later. */
export type PiiDetector = (text: string) => PiiSpan[]
