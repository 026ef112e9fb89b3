/**
 * A webhook receiver for Anansi alerts: a node:http server that verifies each delivery's Standard
 * Webhooks signature (HMAC-SHA256 over id, timestamp and the exact body, with the endpoint's
 * `whsec_…` secret) before it trusts a byte of it, and ignores re-deliveries of a message it has
 * already handled.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { webhookPayloadSchema, type WebhookPayload } from '@anansi/protocol'
import { Webhook, WebhookVerificationError } from 'standardwebhooks'

/** What the receiver is built from; `main.ts` fills this from the environment. */
export interface ReceiverOptions {
  /** The endpoint's signing secret, shown once when the webhook is created (`whsec_…`). */
  secret: string
  /** Called once per verified message (re-deliveries of the same `webhook-id` are skipped). */
  onMessage: (payload: WebhookPayload, messageId: string) => void
  /** Called for each refused request, with the reason (bad signature, stale timestamp, …). */
  onRejected?: (reason: string) => void
  /** Largest body accepted, in bytes (default 1 MiB). */
  maxBodyBytes?: number
}

/** A running receiver. */
export interface RunningReceiver {
  /** Where it listens, e.g. `http://127.0.0.1:4000/`. */
  url: string
  close(): Promise<void>
}

/** How a request was answered, and why. */
export interface Outcome {
  status: 204 | 400 | 401 | 413
  reason?: string
}

const SEEN_LIMIT = 10_000

class BodyTooLarge extends Error {
  readonly code = 'body_too_large'
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const parts: Buffer[] = []
  let size = 0
  for await (const part of req as AsyncIterable<Buffer>) {
    size += part.length
    if (size > limit) throw new BodyTooLarge(`body over ${limit} bytes`)
    parts.push(part)
  }
  return Buffer.concat(parts).toString('utf8')
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers))
    if (typeof value === 'string') headers[name] = value
  return headers
}

/**
 * The verification step on its own: checks the signature and timestamp (the library refuses
 * timestamps more than 5 minutes away, which stops replays), then the payload's shape.
 */
export function verifyDelivery(
  webhook: Webhook,
  body: string,
  headers: Record<string, string>,
): { payload: WebhookPayload } | Outcome {
  let verified: unknown
  try {
    // Verify the raw body exactly as received: re-serialised JSON would not match the signature.
    verified = webhook.verify(body, headers)
  } catch (error) {
    if (error instanceof WebhookVerificationError) return { status: 401, reason: error.message }
    throw error
  }
  const parsed = webhookPayloadSchema.safeParse(verified)
  return parsed.success
    ? { payload: parsed.data }
    : { status: 400, reason: `unexpected payload: ${parsed.error.message}` }
}

/** The request handler: verify, deduplicate by `webhook-id`, hand the payload over, answer 204. */
export function createWebhookHandler(
  options: ReceiverOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const webhook = new Webhook(options.secret)
  const seen = new Set<string>()
  const handle = async (req: IncomingMessage): Promise<Outcome> => {
    if (req.method !== 'POST') return { status: 400, reason: `method ${req.method ?? '?'}` }
    const body = await readBody(req, options.maxBodyBytes ?? 1024 * 1024)
    const headers = headersOf(req)
    const result = verifyDelivery(webhook, body, headers)
    if (!('payload' in result)) return result
    const messageId = headers['webhook-id'] ?? ''
    if (seen.has(messageId)) return { status: 204, reason: 'duplicate' }
    seen.add(messageId)
    if (seen.size > SEEN_LIMIT) seen.delete(seen.values().next().value ?? '')
    options.onMessage(result.payload, messageId)
    return { status: 204 }
  }
  return (req, res) => {
    handle(req)
      .catch((error: unknown): Outcome => {
        if (error instanceof BodyTooLarge) return { status: 413, reason: error.message }
        throw error
      })
      .then(
        (outcome) => {
          if (outcome.status !== 204) options.onRejected?.(outcome.reason ?? String(outcome.status))
          res.writeHead(outcome.status).end()
        },
        (error: unknown) => {
          options.onRejected?.(String(error))
          res.writeHead(500).end()
        },
      )
  }
}

/** Starts the receiver on `host:port` (port 0 picks a free one). */
export async function startReceiver(
  options: ReceiverOptions & { host?: string; port?: number },
): Promise<RunningReceiver> {
  const server = createServer(createWebhookHandler(options))
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${host}:${port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}

/** One line describing a verified message, as `main.ts` prints it. */
export function describeMessage(payload: WebhookPayload): string {
  switch (payload.type) {
    case 'alert.created': {
      const { alert } = payload.data
      return `ALERT ${alert.severity} ${alert.metric}: ${alert.message} (event ${alert.eventId ?? '-'})`
    }
    case 'verdict.unsafe': {
      const { verdict } = payload.data
      return `UNSAFE event ${verdict.eventId}: ${verdict.action}, score ${verdict.score}`
    }
    case 'webhook.test':
      return `test message: ${payload.data.message}`
  }
}
