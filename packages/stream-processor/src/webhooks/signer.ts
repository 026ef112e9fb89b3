import { Webhook } from 'standardwebhooks'
import { messageOf, WebhookError } from './errors.js'

/** What one signature covers: the message id, the send time and the exact body bytes. */
export interface SignInput {
  /** `whsec_<base64>` (the Standard Webhooks secret format). */
  secret: string
  messageId: string
  timestamp: Date
  body: string
}

// Header values must be visible ASCII: a newline here would be header injection.
const MESSAGE_ID = /^[\x21-\x7e]{1,255}$/

/**
 * The Standard Webhooks headers for one delivery (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`) plus the JSON content type.
 * @example signWebhook({ secret: 'whsec_…', messageId: 'msg_1', timestamp: new Date(), body })
 */
export function signWebhook(input: SignInput): Record<string, string> {
  if (!MESSAGE_ID.test(input.messageId)) {
    throw new WebhookError(
      'invalid_message',
      'webhook message id must be 1-255 visible ASCII chars',
    )
  }
  return {
    'content-type': 'application/json',
    'webhook-id': input.messageId,
    'webhook-timestamp': String(Math.floor(input.timestamp.getTime() / 1000)),
    'webhook-signature': signerFor(input.secret).sign(input.messageId, input.timestamp, input.body),
  }
}

function signerFor(secret: string): Webhook {
  try {
    return new Webhook(secret)
  } catch (cause) {
    // Never echo the secret itself into an error that may reach a delivery log.
    throw new WebhookError('invalid_secret', `webhook secret is unusable: ${messageOf(cause)}`, {
      cause,
    })
  }
}
