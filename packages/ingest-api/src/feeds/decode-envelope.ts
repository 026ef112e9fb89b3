import type { ConsumedMessage } from '@anansi/bus'
import type { z } from 'zod'

/**
 * Parses a bus message's JSON value with `schema`; an unreadable or invalid message is reported
 * (with its offset) and answered undefined, so one bad message never stops a feed.
 */
export function decodeEnvelope<T>(
  message: ConsumedMessage,
  schema: z.ZodType<T>,
  what: string,
  report: (error: unknown) => void,
): T | undefined {
  let raw: unknown
  try {
    raw = JSON.parse(new TextDecoder().decode(message.value))
  } catch (error) {
    report(new Error(`unreadable ${what} message at offset ${message.offset}`, { cause: error }))
    return undefined
  }
  const parsed = schema.safeParse(raw)
  if (parsed.success) return parsed.data
  report(new Error(`invalid ${what} message at offset ${message.offset}: ${parsed.error.message}`))
  return undefined
}
