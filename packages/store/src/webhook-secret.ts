import { randomBytes } from 'node:crypto'

/** The prefix Standard Webhooks gives signing secrets, so libraries and scanners recognise them. */
export const WEBHOOK_SECRET_TAG = 'whsec_'

/** A new Standard Webhooks signing secret: `whsec_` and the base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `${WEBHOOK_SECRET_TAG}${randomBytes(32).toString('base64')}`
}
