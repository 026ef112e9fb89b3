// Public surface of the PII rules. Nothing here imports Node built-ins, so the SDK can re-export it
// for its built-in redactor on edge runtimes.
export { detectPii, type DetectPiiOptions } from './detect-pii.js'
export { redactPii, type RedactPiiOptions, type RedactPiiResult } from './redact-pii.js'
export { PiiEvaluator } from './pii-evaluator.js'
export { PII_SEVERITY } from './severity.js'
export { PII_ENTITY_TYPES, type PiiEntityType, type PiiSpan } from './types.js'
