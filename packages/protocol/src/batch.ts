import { z } from 'zod'
import { issueSchema, type Issue } from './error-body.js'
import { eventSchema, type LlmEvent } from './event.js'
import { toIssues } from './issues.js'
import { MAX_EVENT_BYTES, MAX_EVENTS_PER_BATCH } from './limits.js'
import { countSchema, timestampSchema } from './primitives.js'

/** The body of `POST /v1/events`. Events are validated one by one so one bad event never sinks the batch. */
export const batchRequestSchema = z.strictObject({
  events: z.array(eventSchema).min(1).max(MAX_EVENTS_PER_BATCH),
  sentAt: timestampSchema.optional(),
})

/**
 * The envelope of a batch as the server first reads it: events stay `unknown` here and are
 * validated individually by {@link validateBatch}.
 */
export const batchEnvelopeSchema = z.strictObject({
  events: z.array(z.unknown()).min(1).max(MAX_EVENTS_PER_BATCH),
  sentAt: timestampSchema.optional(),
})

/** What happened to one event of a batch. */
export const eventResultStatusSchema = z.enum(['accepted', 'duplicate', 'rejected'])

/** The per-event result in a batch answer, in request order. */
export const eventResultSchema = z.strictObject({
  index: z.int().nonnegative(),
  id: z.string().optional().describe('the event id, when the event had a readable one'),
  status: eventResultStatusSchema,
  errors: z.array(issueSchema).optional(),
})

/** The answer to `POST /v1/events`: 202 when all were accepted or duplicates, 207 when any was rejected. */
export const batchResponseSchema = z.strictObject({
  accepted: countSchema,
  duplicates: countSchema,
  rejected: countSchema,
  results: z.array(eventResultSchema),
})

/** The batch request as a TypeScript type. */
export type BatchRequest = z.infer<typeof batchRequestSchema>
/** Per-event status as a TypeScript type. */
export type EventResultStatus = z.infer<typeof eventResultStatusSchema>
/** Per-event result as a TypeScript type. */
export type EventResult = z.infer<typeof eventResultSchema>
/** The batch answer as a TypeScript type. */
export type BatchResponse = z.infer<typeof batchResponseSchema>

/** One event of a batch after validation: either the parsed event or the reasons it was rejected. */
export type ValidatedBatchItem =
  | { index: number; ok: true; event: LlmEvent; bytes: number }
  | { index: number; ok: false; id?: string; issues: Issue[] }

/** The outcome of validating a batch envelope: per-event items, or envelope-level issues. */
export type ValidatedBatch =
  { ok: true; items: ValidatedBatchItem[] } | { ok: false; issues: Issue[] }

const utf8 = new TextEncoder()

/** Measures an event the way the limit is defined: UTF-8 bytes of its JSON serialisation. */
export function eventByteSize(event: unknown): number {
  return utf8.encode(JSON.stringify(event) ?? '').byteLength
}

function readableId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('id' in value)) return undefined
  const id: unknown = value.id
  return typeof id === 'string' && id.length <= 64 ? id : undefined
}

/**
 * Finds an own `__proto__` key anywhere in a JSON-parsed value. zod skips such keys to prevent
 * prototype pollution, which would silently drop data, so the protocol refuses them instead.
 */
export function findProtoKeyPath(
  value: unknown,
  path: (string | number)[] = [],
): (string | number)[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = findProtoKeyPath(value[i], [...path, i])
      if (found) return found
    }
    return undefined
  }
  if (Object.prototype.hasOwnProperty.call(value, '__proto__')) return [...path, '__proto__']
  for (const [key, child] of Object.entries(value)) {
    const found = findProtoKeyPath(child, [...path, key])
    if (found) return found
  }
  return undefined
}

/** Validates one already-JSON-parsed event against the size limit and the event schema. */
export function validateEvent(raw: unknown, index: number): ValidatedBatchItem {
  const json = JSON.stringify(raw) ?? ''
  const bytes = utf8.encode(json).byteLength
  const id = readableId(raw)
  if (bytes > MAX_EVENT_BYTES) {
    const issue = {
      path: ['events', index],
      code: 'too_big',
      message: `event is ${bytes} bytes; the limit is ${MAX_EVENT_BYTES}`,
    }
    return { index, ok: false, ...(id === undefined ? {} : { id }), issues: [issue] }
  }
  const protoPath = json.includes('"__proto__"') ? findProtoKeyPath(raw) : undefined
  if (protoPath) {
    const issue = {
      path: ['events', index, ...protoPath],
      code: 'invalid_key',
      message: '"__proto__" is not allowed as a key',
    }
    return { index, ok: false, ...(id === undefined ? {} : { id }), issues: [issue] }
  }
  const parsed = eventSchema.safeParse(raw)
  if (parsed.success) return { index, ok: true, event: parsed.data, bytes }
  return {
    index,
    ok: false,
    ...(id === undefined ? {} : { id }),
    issues: toIssues(parsed.error, ['events', index]),
  }
}

/**
 * Validates a JSON-parsed batch body: the envelope as a whole, then each event on its own,
 * so the caller can accept the good events and report the bad ones with their paths.
 */
export function validateBatch(body: unknown): ValidatedBatch {
  const envelope = batchEnvelopeSchema.safeParse(body)
  if (!envelope.success) return { ok: false, issues: toIssues(envelope.error) }
  return { ok: true, items: envelope.data.events.map((raw, index) => validateEvent(raw, index)) }
}
