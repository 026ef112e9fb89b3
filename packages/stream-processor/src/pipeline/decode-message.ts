import type { ConsumedMessage } from '@anansi/bus'
import { eventEnvelopeSchema, type EventEnvelope } from '@anansi/protocol'

/** A message that could not become an event, and why; it goes to the dead-letter topic. */
export interface Undecodable {
  ok: false
  message: ConsumedMessage
  reason: 'unreadable' | 'invalid_envelope'
  detail: string
}

/** A message decoded into an event envelope. */
export interface Decoded {
  ok: true
  message: ConsumedMessage
  envelope: EventEnvelope
}

const decoder = new TextDecoder('utf-8', { fatal: true })

/** Parses and validates one `anansi.events` message; never throws. */
export function decodeMessage(message: ConsumedMessage): Decoded | Undecodable {
  let raw: unknown
  try {
    raw = JSON.parse(decoder.decode(message.value))
  } catch (error) {
    return {
      ok: false,
      message,
      reason: 'unreadable',
      detail: error instanceof Error ? error.message : String(error),
    }
  }
  const parsed = eventEnvelopeSchema.safeParse(raw)
  if (!parsed.success)
    return {
      ok: false,
      message,
      reason: 'invalid_envelope',
      detail: parsed.error.issues
        .slice(0, 8)
        .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
        .join('; '),
    }
  return { ok: true, message, envelope: parsed.data }
}
