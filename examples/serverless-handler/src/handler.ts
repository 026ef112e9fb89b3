/**
 * A fetch-style serverless handler (`(request: Request) => Promise<Response>`, the shape of
 * Vercel, Netlify, Deno Deploy and Cloudflare Workers functions). The platform may freeze the
 * function as soon as the response is returned, so the handler is wrapped with
 * `monitor.serverless`, which sends the queued events before the response leaves.
 */
import type { Monitor } from '@anansi/sdk'
import type OpenAI from 'openai'

/** What the handler is built from; `main.ts` fills this from the environment. */
export interface HandlerOptions {
  monitor: Monitor
  openai: OpenAI
  model: string
}

/** The JSON the handler answers with. */
export interface HandlerAnswer {
  answer: string
  /** Set as the event's session id, so the call can be found (`anansi tail`, the SSE stream). */
  requestId: string
}

async function questionOf(request: Request): Promise<string | undefined> {
  const body: unknown = await request.json().catch(() => undefined)
  if (typeof body !== 'object' || body === null || !('question' in body)) return undefined
  return typeof body.question === 'string' ? body.question : undefined
}

/**
 * Builds the handler: it asks the model the posted `question`, records the call with
 * `monitor.track`, and flushes the event before it returns.
 * @example export default { fetch: createHandler({ monitor, openai, model: 'gpt-4o-mini' }) }
 */
export function createHandler(options: HandlerOptions): (request: Request) => Promise<Response> {
  const { monitor, openai, model } = options
  const ask = monitor.track(
    async (question: string): Promise<string> => {
      const completion = await openai.chat.completions.create({
        model,
        messages: [{ role: 'user', content: question }],
      })
      return completion.choices[0]?.message.content ?? ''
    },
    { model, provider: 'openai', category: 'serverless' },
  )
  return monitor.serverless(async (request: Request): Promise<Response> => {
    const question = await questionOf(request)
    if (question === undefined)
      return Response.json({ error: 'send {"question": "<text>"}' }, { status: 400 })
    const requestId = request.headers.get('x-request-id') ?? crypto.randomUUID()
    const answer = await monitor.withContext({ sessionId: requestId }, () => ask(question))
    const body: HandlerAnswer = { answer, requestId }
    return Response.json(body)
  })
}
