import type { Verdict } from '@anansi/protocol'

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Whether a message is a verdict, checking the fields a gate acts on (the SDK ships without zod;
 * the ingest API validates verdicts with `verdictSchema` before sending them).
 */
export function isVerdict(value: unknown): value is Verdict {
  return (
    isObject(value) &&
    typeof value.eventId === 'string' &&
    typeof value.safe === 'boolean' &&
    (value.action === 'allow' || value.action === 'block') &&
    typeof value.score === 'number' &&
    Array.isArray(value.evaluations)
  )
}

/** Reads a verdict from a message: the verdict itself, or an envelope `{ verdict }`. */
export function readVerdict(message: unknown): Verdict | undefined {
  if (isVerdict(message)) return message
  return isObject(message) && isVerdict(message.verdict) ? message.verdict : undefined
}
