import {
  webhookCreateSchema,
  webhookEventTypeSchema,
  webhookUpdateSchema,
  type WebhookCreate,
  type WebhookCreated,
  type WebhookEndpoint,
  type WebhookUpdate,
} from '@anansi/protocol'
import { and, asc, eq } from 'drizzle-orm'
import type { Database } from '../drivers/database.js'
import { invalidArgument, wrapQueryError } from '../errors.js'
import { isUuid, withoutNulls } from '../row-values.js'
import { toStorable } from '../sanitize.js'
import { webhooks } from '../schema/index.js'
import { generateWebhookSecret } from '../webhook-secret.js'
import { removeChannel } from './alert-rules.js'

// Every column but the secret, which leaves the store only on creation, rotation and delivery.
const endpointColumns = {
  id: webhooks.id,
  url: webhooks.url,
  eventTypes: webhooks.eventTypes,
  description: webhooks.description,
  enabled: webhooks.enabled,
  createdAt: webhooks.createdAt,
}

type EndpointRow = Pick<typeof webhooks.$inferSelect, keyof typeof endpointColumns>

function toEndpoint(row: EndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    // The column is plain text[]; parsing keeps the protocol type honest.
    eventTypes: webhookEventTypeSchema.array().parse(row.eventTypes),
    ...withoutNulls({ description: row.description }),
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
  }
}

/** Creates a webhook endpoint with a new signing secret, which is returned this once. */
export async function createWebhook(
  db: Database,
  projectId: string,
  input: WebhookCreate,
): Promise<WebhookCreated> {
  const parsed = webhookCreateSchema.safeParse(input)
  if (!parsed.success) throw invalidArgument('create webhook', parsed.error.issues)
  const secret = generateWebhookSecret()
  try {
    const [row] = await db
      .insert(webhooks)
      .values({ ...toStorable(parsed.data), projectId, secret })
      .returning(endpointColumns)
    if (!row) throw new Error('insert returned no row')
    return { ...toEndpoint(row), secret }
  } catch (cause) {
    throw wrapQueryError('create webhook', cause)
  }
}

/** Lists the project's webhook endpoints, oldest first; never their secrets. */
export async function listWebhooks(db: Database, projectId: string): Promise<WebhookEndpoint[]> {
  try {
    const rows = await db
      .select(endpointColumns)
      .from(webhooks)
      .where(eq(webhooks.projectId, projectId))
      .orderBy(asc(webhooks.createdAt), asc(webhooks.id))
    return rows.map(toEndpoint)
  } catch (cause) {
    throw wrapQueryError('list webhooks', cause)
  }
}

/** Reads one of the project's webhook endpoints, without its secret. */
export async function getWebhook(
  db: Database,
  projectId: string,
  webhookId: string,
): Promise<WebhookEndpoint | undefined> {
  if (!isUuid(webhookId)) return undefined
  try {
    const [row] = await db
      .select(endpointColumns)
      .from(webhooks)
      .where(and(eq(webhooks.projectId, projectId), eq(webhooks.id, webhookId)))
    return row && toEndpoint(row)
  } catch (cause) {
    throw wrapQueryError('get webhook', cause)
  }
}

/** Applies a patch to one of the project's webhook endpoints; undefined when it has no such one. */
export async function updateWebhook(
  db: Database,
  projectId: string,
  webhookId: string,
  patch: WebhookUpdate,
): Promise<WebhookEndpoint | undefined> {
  const parsed = webhookUpdateSchema.safeParse(patch)
  if (!parsed.success) throw invalidArgument('update webhook', parsed.error.issues)
  if (!isUuid(webhookId)) return undefined
  try {
    const [row] = await db
      .update(webhooks)
      .set(toStorable(parsed.data))
      .where(and(eq(webhooks.projectId, projectId), eq(webhooks.id, webhookId)))
      .returning(endpointColumns)
    return row && toEndpoint(row)
  } catch (cause) {
    throw wrapQueryError('update webhook', cause)
  }
}

/**
 * Deletes one of the project's webhook endpoints with its delivery log, and drops it from the
 * channels of the rules that named it; false when the project has no such endpoint.
 */
export async function deleteWebhook(
  db: Database,
  projectId: string,
  webhookId: string,
): Promise<boolean> {
  if (!isUuid(webhookId)) return false
  try {
    return await db.transaction(async (tx) => {
      const rows = await tx
        .delete(webhooks)
        .where(and(eq(webhooks.projectId, projectId), eq(webhooks.id, webhookId)))
        .returning({ id: webhooks.id })
      const [deleted] = rows
      if (deleted === undefined) return false
      await removeChannel(tx, projectId, deleted.id)
      return true
    })
  } catch (cause) {
    throw wrapQueryError('delete webhook', cause)
  }
}

/**
 * Replaces the signing secret of one of the project's endpoints and returns the new one (shown
 * once); undefined when the project has no such endpoint. Pending deliveries are signed with it.
 */
export async function rotateWebhookSecret(
  db: Database,
  projectId: string,
  webhookId: string,
): Promise<string | undefined> {
  if (!isUuid(webhookId)) return undefined
  const secret = generateWebhookSecret()
  try {
    const rows = await db
      .update(webhooks)
      .set({ secret })
      .where(and(eq(webhooks.projectId, projectId), eq(webhooks.id, webhookId)))
      .returning({ id: webhooks.id })
    return rows.length > 0 ? secret : undefined
  } catch (cause) {
    throw wrapQueryError('rotate webhook secret', cause)
  }
}
