/**
 * Runs the receiver and prints every verified alert. Environment: ANANSI_WEBHOOK_SECRET (the
 * `whsec_…` secret from creating the webhook), HOST (default 127.0.0.1), PORT (default 4000).
 */
import { describeMessage, startReceiver } from './receiver.js'

const secret = process.env.ANANSI_WEBHOOK_SECRET
if (secret === undefined || !secret.startsWith('whsec_')) {
  console.error('set ANANSI_WEBHOOK_SECRET to the secret POST /v1/webhooks answered (whsec_…)')
  process.exit(2)
}
const receiver = await startReceiver({
  secret,
  host: process.env.HOST ?? '127.0.0.1',
  port: Number(process.env.PORT ?? 4000),
  onMessage: (payload, messageId) => console.log(`${messageId}  ${describeMessage(payload)}`),
  onRejected: (reason) => console.warn(`rejected a request: ${reason}`),
})
console.log(`webhook receiver on ${receiver.url} (Ctrl-C stops)`)
process.once('SIGINT', () => void receiver.close())
