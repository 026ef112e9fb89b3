import type { PiiEntityType } from './types.js'

/**
 * How bad one leaked entity is, in [0.5, 1]: live credentials first, then identifiers that enable
 * fraud, then contact details. Every weight is at least the evaluator threshold (0.5), so any
 * finding flags; a stricter policy can raise the threshold to act on secrets and financial data only.
 */
export const PII_SEVERITY: Readonly<Record<PiiEntityType, number>> = {
  PRIVATE_KEY: 1,
  API_KEY: 1,
  URL_CREDENTIALS: 1,
  JWT: 0.95,
  SECRET: 0.9,
  CREDIT_CARD: 0.95,
  US_SSN: 0.95,
  IBAN: 0.9,
  EMAIL: 0.7,
  PHONE: 0.7,
  IP_ADDRESS: 0.6,
}
