import { z } from 'zod'
import { nonEmptyPatch } from './patch.js'
import { countSchema, timestampSchema, uuidSchema } from './primitives.js'
import { webhookEventTypeSchema } from './webhook.js'

// Shared by the endpoint, its create body and its patch.
const webhookFields = {
  url: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .describe('http or https URL that receives the deliveries'),
  eventTypes: z.array(webhookEventTypeSchema).min(1).max(16),
  description: z.string().max(1024).optional(),
  enabled: z.boolean(),
}

/** A webhook endpoint as listed. The signing secret is never part of it. */
export const webhookEndpointSchema = z.strictObject({
  id: uuidSchema,
  ...webhookFields,
  createdAt: timestampSchema,
})

/** The body that creates a webhook endpoint. */
export const webhookCreateSchema = z.strictObject({
  ...webhookFields,
  enabled: z.boolean().default(true),
})

/** A patch to a webhook endpoint: any of its fields, at least one. */
export const webhookUpdateSchema = nonEmptyPatch(webhookFields)

/** A newly created endpoint with its signing secret, which is shown this once. */
export const webhookCreatedSchema = webhookEndpointSchema.extend({
  secret: z.string().min(1).describe('Standard Webhooks signing secret: whsec_ + base64'),
})

/** Delivery states: pending (due at nextAttemptAt), succeeded, failed (gave up). */
export const webhookDeliveryStatusSchema = z.enum(['pending', 'succeeded', 'failed'])

/** One webhook message and where its delivery stands (the delivery log). */
export const webhookDeliverySchema = z.strictObject({
  id: uuidSchema,
  webhookId: uuidSchema,
  messageId: z.string().min(1).max(256).describe('the webhook-id header; the idempotency key'),
  eventType: webhookEventTypeSchema,
  status: webhookDeliveryStatusSchema,
  attempts: countSchema,
  nextAttemptAt: timestampSchema,
  lastStatusCode: z.int().optional(),
  lastError: z.string().max(1024).optional(),
  createdAt: timestampSchema,
  deliveredAt: timestampSchema.optional(),
})

/** A webhook endpoint as a TypeScript type. */
export type WebhookEndpoint = z.infer<typeof webhookEndpointSchema>
/** The create-webhook body as a sender writes it (`enabled` optional). */
export type WebhookCreate = z.input<typeof webhookCreateSchema>
/** A webhook patch as a TypeScript type. */
export type WebhookUpdate = z.infer<typeof webhookUpdateSchema>
/** A created webhook with its secret, as a TypeScript type. */
export type WebhookCreated = z.infer<typeof webhookCreatedSchema>
/** Delivery status as a TypeScript type. */
export type WebhookDeliveryStatus = z.infer<typeof webhookDeliveryStatusSchema>
/** A webhook delivery as a TypeScript type. */
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>
