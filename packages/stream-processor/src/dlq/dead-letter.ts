import type { ConsumedMessage, OutgoingMessage } from '@anansi/bus'
import { z } from 'zod'

/** Why a message was dead-lettered. */
export const deadLetterReasonSchema = z.enum([
  'unreadable',
  'invalid_envelope',
  'unknown_project',
  'evaluation_failed',
])

/** The body of a message on `anansi.events.dlq`: the original bytes and enough to replay them. */
export const deadLetterSchema = z.strictObject({
  reason: deadLetterReasonSchema,
  detail: z.string(),
  source: z.strictObject({
    topic: z.string(),
    partition: z.int().nonnegative(),
    offset: z.string(),
    key: z.string(),
    timestamp: z.number(),
  }),
  /** The original message value, base64 (it may not be valid UTF-8 or JSON). */
  value: z.string(),
  deadLetteredAt: z.string(),
})

/** Dead-letter reason as a TypeScript type. */
export type DeadLetterReason = z.infer<typeof deadLetterReasonSchema>
/** A dead-letter message body as a TypeScript type. */
export type DeadLetter = z.infer<typeof deadLetterSchema>

/** Builds the dead-letter message for one consumed message; keeps the original key. */
export function deadLetterMessage(
  source: { topic: string; partition: number; message: ConsumedMessage },
  reason: DeadLetterReason,
  detail: string,
  now: Date,
): OutgoingMessage {
  const { message } = source
  const body: DeadLetter = {
    reason,
    detail: detail.slice(0, 4096),
    source: {
      topic: source.topic,
      partition: source.partition,
      offset: message.offset,
      key: message.key,
      timestamp: message.timestamp,
    },
    value: Buffer.from(message.value).toString('base64'),
    deadLetteredAt: now.toISOString(),
  }
  return {
    key: message.key,
    value: JSON.stringify(body),
    headers: { 'dead-letter-reason': reason },
  }
}
