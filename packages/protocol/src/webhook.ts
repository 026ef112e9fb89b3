import { z } from 'zod'
import { alertSchema } from './alert.js'
import { timestampSchema } from './primitives.js'
import { verdictSchema } from './verdict.js'

/** Event types a webhook endpoint can subscribe to. */
export const webhookEventTypeSchema = z.enum(['alert.created', 'verdict.unsafe', 'webhook.test'])

/**
 * The JSON body of a webhook delivery, in the Standard Webhooks shape (`type`, `timestamp`, `data`).
 * Signatures travel in the `webhook-id`, `webhook-timestamp` and `webhook-signature` headers.
 */
export const webhookPayloadSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('alert.created'),
    timestamp: timestampSchema,
    data: z.strictObject({ projectId: z.string().min(1), alert: alertSchema }),
  }),
  z.strictObject({
    type: z.literal('verdict.unsafe'),
    timestamp: timestampSchema,
    data: z.strictObject({ projectId: z.string().min(1), verdict: verdictSchema }),
  }),
  z.strictObject({
    type: z.literal('webhook.test'),
    timestamp: timestampSchema,
    data: z.strictObject({ projectId: z.string().min(1), message: z.string().max(1024) }),
  }),
])

/** Webhook event type as a TypeScript type. */
export type WebhookEventType = z.infer<typeof webhookEventTypeSchema>
/** Webhook payload as a TypeScript type. */
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>
