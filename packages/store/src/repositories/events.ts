import type { LlmEvent } from '@anansi/protocol'
import { and, desc, eq, inArray, lt, or, type SQL } from 'drizzle-orm'
import type { Database } from '../drivers/database.js'
import { wrapQueryError } from '../errors.js'
import { toStorable } from '../sanitize.js'
import { events } from '../schema/index.js'

/** What an idempotent insert did with one event. */
export type InsertOutcome = 'inserted' | 'duplicate'

/** An event as stored, with the time the platform received it. */
export interface StoredEvent {
  event: LlmEvent
  receivedAt: Date
}

/** Filters and keyset cursor for listing events, newest first. */
export interface EventQuery {
  limit?: number
  model?: string
  category?: string
  /** Cursor: return events strictly older than this (timestamp, id) pair. */
  before?: { timestamp: string; id: string }
}

/** The row of one event; `receivedAt` defaults to the database clock. Sanitise the event first. */
export function eventRow(
  projectId: string,
  event: LlmEvent,
  receivedAt?: Date,
): typeof events.$inferInsert {
  return {
    projectId,
    receivedAt,
    id: event.id,
    timestamp: event.timestamp,
    provider: event.model.provider,
    model: event.model.name,
    category: event.category,
    status: event.status,
    sessionId: event.sessionId,
    userId: event.userId,
    traceId: event.traceId,
    latencyMs: event.latencyMs,
    inputTokens: event.usage?.inputTokens,
    outputTokens: event.usage?.outputTokens,
    tags: event.tags ?? [],
    payload: event,
  }
}

/**
 * Inserts events idempotently, keyed by (project, id): an id seen before, in this call or any
 * earlier one, reports `duplicate` and changes nothing. Outcomes are in input order.
 */
export async function insertEvents(
  db: Database,
  projectId: string,
  batch: readonly LlmEvent[],
): Promise<InsertOutcome[]> {
  if (batch.length === 0) return []
  const rows = batch.map((event) => eventRow(projectId, toStorable(event)))
  let inserted: { id: string }[]
  try {
    inserted = await db
      .insert(events)
      .values(rows)
      .onConflictDoNothing()
      .returning({ id: events.id })
  } catch (cause) {
    throw wrapQueryError('insert events', cause)
  }
  // Postgres returns uuids in lowercase; clients may have sent uppercase hex.
  const fresh = new Set(inserted.map((row) => row.id.toLowerCase()))
  return batch.map((event) => {
    const id = event.id.toLowerCase()
    if (!fresh.has(id)) return 'duplicate'
    fresh.delete(id) // a second copy of the same id later in this batch is a duplicate
    return 'inserted'
  })
}

/** Reads one of the project's events. */
export async function getEvent(
  db: Database,
  projectId: string,
  eventId: string,
): Promise<StoredEvent | undefined> {
  try {
    const [row] = await db
      .select({ event: events.payload, receivedAt: events.receivedAt })
      .from(events)
      .where(and(eq(events.projectId, projectId), eq(events.id, eventId)))
    return row
  } catch (cause) {
    throw wrapQueryError('get event', cause)
  }
}

/** Lists the project's events, newest first, with optional filters and a keyset cursor. */
export async function listEvents(
  db: Database,
  projectId: string,
  query: EventQuery = {},
): Promise<StoredEvent[]> {
  const conditions: (SQL | undefined)[] = [eq(events.projectId, projectId)]
  if (query.model !== undefined) conditions.push(eq(events.model, query.model))
  if (query.category !== undefined) conditions.push(eq(events.category, query.category))
  if (query.before !== undefined) {
    const { timestamp, id } = query.before
    conditions.push(
      or(lt(events.timestamp, timestamp), and(eq(events.timestamp, timestamp), lt(events.id, id))),
    )
  }
  try {
    return await db
      .select({ event: events.payload, receivedAt: events.receivedAt })
      .from(events)
      .where(and(...conditions))
      .orderBy(desc(events.timestamp), desc(events.id))
      .limit(Math.min(Math.max(query.limit ?? 50, 1), 1000))
  } catch (cause) {
    throw wrapQueryError('list events', cause)
  }
}

/** Which of these ids the project already has (lower-cased), in one indexed query. */
export async function existingEventIds(
  db: Database,
  projectId: string,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  try {
    const rows = await db
      .select({ id: events.id })
      .from(events)
      .where(
        and(
          eq(events.projectId, projectId),
          inArray(
            events.id,
            ids.map((id) => id.toLowerCase()),
          ),
        ),
      )
    return new Set(rows.map((row) => row.id.toLowerCase()))
  } catch (cause) {
    throw wrapQueryError('find existing events', cause)
  }
}
