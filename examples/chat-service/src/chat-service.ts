/**
 * A chat service with one route, `POST /chat`, that answers through OpenAI and lets Anansi
 * Watchdog gate every answer before it reaches the user.
 */
import { UnsafeResponseError, type GateOptions, type Monitor } from '@anansi/sdk'
import { Hono } from 'hono'
import type OpenAI from 'openai'

/** What the service does with an answer the platform judges unsafe. */
export type GateMode = 'block' | 'fallback'

/** How the service is built; `main.ts` fills this from the environment. */
export interface ChatServiceOptions {
  monitor: Monitor
  /** A plain OpenAI client; the service wraps it with `monitor.wrapOpenAI`. */
  openai: OpenAI
  model: string
  /** `block`: answer 422 instead of an unsafe answer; `fallback`: answer `fallbackText` instead. */
  gateMode: GateMode
  fallbackText?: string
  /** Longest wait for a verdict (the SDK's default is 2 000 ms). */
  gateTimeoutMs?: number
}

/** The answer of `POST /chat` when a reply is given (the model's, or the fallback). */
export interface ChatReply {
  reply: string
  /** The Anansi event id of the call: look it up with `GET /v1/events/{id}`. */
  eventId: string | undefined
  /** `allow` (the model's answer) or `fallback` (the substitute). */
  action: string | undefined
}

/** The answer of `POST /chat` when the gate blocked the reply (status 422). */
export interface ChatBlocked {
  error: 'unsafe_answer'
  eventId: string
  /** `unsafe` (the verdict said so) or `timeout`/`unavailable` when `onTimeout` is `block`. */
  reason: string
}

const DEFAULT_FALLBACK = 'Sorry, I cannot help with that.'

function gateOf(options: ChatServiceOptions): GateOptions<string> {
  const timing = { timeoutMs: options.gateTimeoutMs ?? 2_000, onTimeout: 'block' as const }
  return options.gateMode === 'block'
    ? { mode: 'block', ...timing }
    : { mode: 'fallback', fallback: options.fallbackText ?? DEFAULT_FALLBACK, ...timing }
}

async function readMessage(request: Request): Promise<string | undefined> {
  const body: unknown = await request.json().catch(() => undefined)
  if (typeof body !== 'object' || body === null || !('message' in body)) return undefined
  return typeof body.message === 'string' && body.message.trim() !== '' ? body.message : undefined
}

/**
 * Builds the Hono app. Every answer is judged by the platform before it is returned; when no
 * verdict comes within the timeout the answer is blocked too (`onTimeout: 'block'`, fail closed).
 * @example serve({ fetch: createChatService({ monitor, openai, model, gateMode: 'block' }).fetch })
 */
export function createChatService(options: ChatServiceOptions): Hono {
  const openai = options.monitor.wrapOpenAI(options.openai, {
    category: 'chatbot',
    gate: gateOf(options),
  })
  const app = new Hono()
  app.post('/chat', async (c) => {
    const message = await readMessage(c.req.raw)
    if (message === undefined) return c.json({ error: 'send {"message": "<text>"}' }, 400)
    // A context per request keeps `lastEvaluation` (and the session id) apart between requests.
    return options.monitor.withContext({ sessionId: c.req.header('x-session-id') }, async () => {
      try {
        const completion = await openai.chat.completions.create({
          model: options.model,
          messages: [{ role: 'user', content: message }],
        })
        const last = options.monitor.lastEvaluation
        const reply: ChatReply = {
          reply: completion.choices[0]?.message.content ?? '',
          eventId: last?.eventId,
          action: last?.action,
        }
        return c.json(reply)
      } catch (error) {
        if (!(error instanceof UnsafeResponseError)) throw error
        const blocked: ChatBlocked = {
          error: 'unsafe_answer',
          eventId: error.eventId,
          reason: error.reason,
        }
        return c.json(blocked, 422)
      }
    })
  })
  return app
}
