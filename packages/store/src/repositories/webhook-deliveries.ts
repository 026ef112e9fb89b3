import {
  webhookEventTypeSchema,
  type WebhookDelivery,
  type WebhookDeliveryStatus,
  type WebhookEventType,
  type WebhookPayload,
} from '@anansi/protocol'
import { and, desc, eq, type SQL } from 'drizzle-orm'
import type { Database } from '../drivers/database.js'
import { wrapQueryError } from '../errors.js'
import { isUuid, withoutNulls } from '../row-values.js'
import { webhookDeliveries, webhooks } from '../schema/index.js'
import { inSlices } from '../chunks.js'

/** Filters for the project's delivery log, newest first. */
export interface DeliveryQuery {
  webhookId?: string
  status?: WebhookDeliveryStatus
  limit?: number
}

/** One message to fan out to the project's endpoints. */
export interface OutgoingMessage {
  /** Deterministic from what caused it, so re-enqueueing the same cause adds nothing. */
  messageId: string
  payload: WebhookPayload
  /** Only these endpoints (a rule's channels); every subscribed endpoint when absent. */
  webhookIds?: readonly string[]
}

/**
 * Queues each message for every enabled endpoint of the project subscribed to its type, as a
 * pending delivery due now. Idempotent per (endpoint, message id); returns how many rows are new.
 */
export async function enqueueDeliveries(
  tx: Database,
  projectId: string,
  messages: readonly OutgoingMessage[],
): Promise<number> {
  if (messages.length === 0) return 0
  const endpoints = await tx
    .select({ id: webhooks.id, eventTypes: webhooks.eventTypes })
    .from(webhooks)
    .where(and(eq(webhooks.projectId, projectId), eq(webhooks.enabled, true)))
  const rows = messages.flatMap(({ messageId, payload, webhookIds }) => {
    const only = webhookIds && new Set(webhookIds.map((id) => id.toLowerCase()))
    return endpoints
      .filter((endpoint) => endpoint.eventTypes.includes(payload.type))
      .filter((endpoint) => only === undefined || only.has(endpoint.id))
      .map((endpoint) => ({
        projectId,
        webhookId: endpoint.id,
        messageId,
        eventType: payload.type,
        payload,
      }))
  })
  if (rows.length === 0) return 0
  const inserted = await inSlices(rows, (slice) =>
    tx
      .insert(webhookDeliveries)
      .values(slice)
      .onConflictDoNothing()
      .returning({ id: webhookDeliveries.id }),
  )
  return inserted.length
}

function toDelivery(row: typeof webhookDeliveries.$inferSelect): WebhookDelivery {
  const eventType: WebhookEventType = webhookEventTypeSchema.parse(row.eventType)
  return {
    id: row.id,
    webhookId: row.webhookId,
    messageId: row.messageId,
    eventType,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt.toISOString(),
    ...withoutNulls({ lastStatusCode: row.lastStatusCode, lastError: row.lastError }),
    createdAt: row.createdAt.toISOString(),
    ...withoutNulls({ deliveredAt: row.deliveredAt?.toISOString() }),
  }
}

/** Lists the project's webhook deliveries (the delivery log), newest first. */
export async function listDeliveries(
  db: Database,
  projectId: string,
  query: DeliveryQuery = {},
): Promise<WebhookDelivery[]> {
  if (query.webhookId !== undefined && !isUuid(query.webhookId)) return []
  const conditions: (SQL | undefined)[] = [eq(webhookDeliveries.projectId, projectId)]
  if (query.webhookId !== undefined)
    conditions.push(eq(webhookDeliveries.webhookId, query.webhookId))
  if (query.status !== undefined) conditions.push(eq(webhookDeliveries.status, query.status))
  try {
    const rows = await db
      .select()
      .from(webhookDeliveries)
      .where(and(...conditions))
      .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
      .limit(Math.min(Math.max(query.limit ?? 50, 1), 1000))
    return rows.map(toDelivery)
  } catch (cause) {
    throw wrapQueryError('list deliveries', cause)
  }
}
