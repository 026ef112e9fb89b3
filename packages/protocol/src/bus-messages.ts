import { z } from 'zod'
import { eventSchema } from './event.js'
import { timestampSchema } from './primitives.js'
import { verdictSchema } from './verdict.js'

/** Topic names on the bus (Kafka or the embedded log). */
export const TOPICS = {
  events: 'anansi.events',
  verdicts: 'anansi.verdicts',
  eventsDeadLetter: 'anansi.events.dlq',
} as const

/**
 * The key of an event on the bus: one (project, model) pair always lands in one partition, so one
 * anomaly detector sees all of its events in order. NUL and lone surrogates (legal in a model name,
 * refused by Postgres text and ill-formed as UTF-8) become U+FFFD, the same way every time.
 */
export function eventMessageKey(projectId: string, model: string): string {
  return `${projectId}:${model}`.toWellFormed().replaceAll('\u0000', '\uFFFD')
}

/** An accepted event as it travels on `anansi.events`: the project comes from the API key. */
export const eventEnvelopeSchema = z.strictObject({
  projectId: z.string().min(1),
  receivedAt: timestampSchema,
  event: eventSchema,
})

/** A decided verdict as it travels on `anansi.verdicts`. */
export const verdictEnvelopeSchema = z.strictObject({
  projectId: z.string().min(1),
  verdict: verdictSchema,
})

/** An event envelope as a TypeScript type. */
export type EventEnvelope = z.infer<typeof eventEnvelopeSchema>
/** A verdict envelope as a TypeScript type. */
export type VerdictEnvelope = z.infer<typeof verdictEnvelopeSchema>
