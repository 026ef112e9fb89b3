import type { WebhookEventType, WebhookPayload } from '@anansi/protocol'
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm'
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core'
import type { Database } from '../drivers/database.js'
import { StoreError, wrapQueryError } from '../errors.js'
import { isUuid, timeOrNow } from '../row-values.js'
import { toStorableText } from '../sanitize.js'
import { webhookDeliveries, webhooks } from '../schema/index.js'

/** A delivery a dispatcher has leased: everything it needs to sign and send one request. */
export interface DeliveryJob {
  id: string
  projectId: string
  webhookId: string
  url: string
  secret: string
  messageId: string
  eventType: WebhookEventType
  payload: WebhookPayload
  /** Attempts made before this one. */
  attempts: number
}

/** What one delivery attempt came to. */
export interface DeliveryAttempt {
  id: string
  /** `retry` keeps it pending until `nextAttemptAt`; `failed` gives up for good. */
  outcome: 'succeeded' | 'retry' | 'failed'
  statusCode?: number
  error?: string
  nextAttemptAt?: Date
  /** The attempt's time (delivered_at); the database clock when absent. */
  now?: Date
}

/** The longest error text kept in the delivery log, in characters. */
export const MAX_DELIVERY_ERROR_CHARS = 1024

/**
 * Leases up to `limit` due deliveries of enabled endpoints, across every project: their next
 * attempt moves to now + `leaseMs`, so a dispatcher that dies mid-send leaves them to be retried
 * once the lease ends. Rows another dispatcher is leasing right now are skipped, not waited for.
 */
export async function claimDueDeliveries(
  db: Database,
  input: { limit: number; leaseMs: number; now?: Date },
): Promise<DeliveryJob[]> {
  const now = timeOrNow(input.now)
  const limit = Math.min(Math.max(Math.trunc(input.limit), 1), 1000)
  const leaseMs = Math.max(Math.trunc(input.leaseMs), 0)
  try {
    return await db.transaction(async (tx) => {
      const due = await tx
        .select({
          id: webhookDeliveries.id,
          projectId: webhookDeliveries.projectId,
          webhookId: webhookDeliveries.webhookId,
          url: webhooks.url,
          secret: webhooks.secret,
          messageId: webhookDeliveries.messageId,
          payload: webhookDeliveries.payload,
          attempts: webhookDeliveries.attempts,
        })
        .from(webhookDeliveries)
        .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
        .where(
          and(
            eq(webhookDeliveries.status, 'pending'),
            lte(webhookDeliveries.nextAttemptAt, now),
            eq(webhooks.enabled, true),
          ),
        )
        .orderBy(asc(webhookDeliveries.nextAttemptAt))
        .limit(limit)
        .for('update', { of: webhookDeliveries, skipLocked: true })
      if (due.length === 0) return []
      await tx
        .update(webhookDeliveries)
        .set({
          nextAttemptAt: sql`${now} + ${leaseMs}::double precision * interval '1 millisecond'`,
        })
        .where(
          inArray(
            webhookDeliveries.id,
            due.map((job) => job.id),
          ),
        )
      return due.map((job) => ({ ...job, eventType: job.payload.type }))
    })
  } catch (cause) {
    throw wrapQueryError('claim due deliveries', cause)
  }
}

function attemptChanges(input: DeliveryAttempt): PgUpdateSetSource<typeof webhookDeliveries> {
  const common = {
    attempts: sql`${webhookDeliveries.attempts} + 1`,
    lastStatusCode: input.statusCode ?? null,
    lastError:
      input.error === undefined
        ? null
        : toStorableText(Array.from(input.error).slice(0, MAX_DELIVERY_ERROR_CHARS).join('')),
  }
  switch (input.outcome) {
    case 'succeeded':
      return { ...common, status: 'succeeded', deliveredAt: timeOrNow(input.now) }
    case 'failed':
      return { ...common, status: 'failed' }
    case 'retry':
      if (input.nextAttemptAt === undefined)
        throw new StoreError('invalid_argument', 'a retry needs nextAttemptAt', false)
      return { ...common, status: 'pending', nextAttemptAt: input.nextAttemptAt }
  }
}

/**
 * Logs one attempt at a leased delivery: counts it, keeps its status code and error (cut to
 * {@link MAX_DELIVERY_ERROR_CHARS}), and settles it or schedules the retry. A delivery that is no
 * longer pending (settled by another dispatcher whose lease ran out under it) is left alone.
 */
export async function recordDeliveryAttempt(db: Database, input: DeliveryAttempt): Promise<void> {
  const changes = attemptChanges(input)
  if (!isUuid(input.id)) return
  try {
    await db
      .update(webhookDeliveries)
      .set(changes)
      .where(and(eq(webhookDeliveries.id, input.id), eq(webhookDeliveries.status, 'pending')))
  } catch (cause) {
    throw wrapQueryError('record delivery attempt', cause)
  }
}
