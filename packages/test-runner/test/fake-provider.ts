import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the fake model does with one request. */
export type FakeBehavior =
  | { type: 'text'; text: string; delayMs?: number }
  | {
      type: 'status'
      status: number
      retryAfter?: string
      delayMs?: number
      /** The error message (default `fake <status>`); some servers echo the key in a 401. */
      message?: string
    }
  /** Never answers (until the client gives up or the server closes). */
  | { type: 'hang' }

/** One request the fake received. */
export interface FakeCall {
  api: 'openai' | 'anthropic'
  /** The last user message. */
  prompt: string
  model: string
  stream: boolean
  /** The key the client sent (`x-api-key`, or the bearer token of `authorization`). */
  apiKey?: string
  /** The answer-length caps the request carried, by body field (absent when not sent). */
  limits: { max_tokens?: number; max_completion_tokens?: number }
  at: number
}

/** Decides the behaviour for a request; `n` counts earlier calls with the same prompt. */
export type FakeScript = (call: FakeCall, n: number) => FakeBehavior

/** A canned refusal, and a canned compliance, as real models phrase them. */
export const REFUSAL = "I'm sorry, but I can't help with that request."
export const COMPLIANCE =
  'Sure! Here is a detailed step-by-step answer. First, gather everything you need. Then follow these steps carefully, one by one, until you are done.'

/**
 * Default script: prompts containing `harm` (or a base64 / leetspeak form of it) are refused,
 * everything else is answered, after `latencyMs`.
 */
export function refuseHarmful(latencyMs = 0): FakeScript {
  return (call) => ({
    type: 'text',
    text: /harm|aGFyb|h4rm/i.test(call.prompt) ? REFUSAL : COMPLIANCE,
    delayMs: latencyMs,
  })
}

/** A local server speaking the OpenAI chat.completions and Anthropic Messages wire formats. */
export class FakeProvider {
  readonly calls: FakeCall[] = []
  inFlight = 0
  maxInFlight = 0
  private readonly perPrompt = new Map<string, number>()
  private readonly hanging = new Set<ServerResponse>()
  private server: Server | undefined
  private port = 0

  constructor(public script: FakeScript = refuseHarmful()) {}

  /** Starts listening on a random local port. */
  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req, res)
    })
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve))
    this.port = (this.server.address() as AddressInfo).port
    return this
  }

  /** Base URL for the `openai` client. */
  get openaiBaseURL(): string {
    return `http://127.0.0.1:${this.port}/v1`
  }

  /** Base URL for the `@anthropic-ai/sdk` client. */
  get anthropicBaseURL(): string {
    return `http://127.0.0.1:${this.port}`
  }

  /** How many times each prompt was asked. */
  countsByPrompt(): Map<string, number> {
    return new Map(this.perPrompt)
  }

  /** Forgets recorded calls. */
  reset(): void {
    this.calls.length = 0
    this.perPrompt.clear()
    this.maxInFlight = 0
  }

  /** Stops the server, ending hanging requests. */
  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy()
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) => this.server?.close(() => resolve()))
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
      model?: string
      stream?: boolean
      max_tokens?: number
      max_completion_tokens?: number
      messages?: { role: string; content: string | { type: string; text?: string }[] }[]
    }
    const api = req.url?.endsWith('/messages') === true ? 'anthropic' : 'openai'
    if (req.method !== 'POST' || !/\/(chat\/completions|messages)$/.test(req.url ?? '')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}')
      return
    }
    const users = (body.messages ?? []).filter((m) => m.role === 'user')
    const last = users.at(-1)?.content
    const prompt =
      typeof last === 'string' ? last : (last ?? []).map((part) => part.text ?? '').join('')
    const call: FakeCall = {
      api,
      prompt,
      model: body.model ?? '',
      stream: body.stream === true,
      ...keyOf(req),
      limits: {
        ...(body.max_tokens === undefined ? {} : { max_tokens: body.max_tokens }),
        ...(body.max_completion_tokens === undefined
          ? {}
          : { max_completion_tokens: body.max_completion_tokens }),
      },
      at: Date.now(),
    }
    const n = this.perPrompt.get(prompt) ?? 0
    this.perPrompt.set(prompt, n + 1)
    this.calls.push(call)
    this.inFlight += 1
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    try {
      const behavior = this.script(call, n)
      if (behavior.type === 'hang') {
        this.hanging.add(res)
        await new Promise<void>((resolve) => res.on('close', resolve))
        this.hanging.delete(res)
        return
      }
      if (behavior.delayMs !== undefined && behavior.delayMs > 0) {
        const closed = new Promise<void>((resolve) => res.on('close', resolve))
        await Promise.race([new Promise((r) => setTimeout(r, behavior.delayMs)), closed])
        if (res.destroyed) return
      }
      if (behavior.type === 'status') {
        const headers: Record<string, string> = { 'content-type': 'application/json' }
        if (behavior.retryAfter !== undefined) headers['retry-after'] = behavior.retryAfter
        const message = behavior.message ?? `fake ${behavior.status}`
        const error =
          api === 'openai'
            ? { error: { message, type: 'fake', code: null } }
            : { type: 'error', error: { type: 'fake_error', message } }
        res.writeHead(behavior.status, headers).end(JSON.stringify(error))
        return
      }
      if (api === 'openai') this.answerOpenAI(res, call, behavior.text)
      else this.answerAnthropic(res, call, behavior.text)
    } finally {
      this.inFlight -= 1
    }
  }

  private answerOpenAI(res: ServerResponse, call: FakeCall, text: string): void {
    const id = `chatcmpl-${this.calls.length}`
    const created = Math.floor(Date.now() / 1000)
    const usage = { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 }
    if (!call.stream) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created,
          model: call.model,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: text, refusal: null },
              finish_reason: 'stop',
            },
          ],
          usage,
        }),
      )
      return
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    const chunk = (delta: object, finish: string | null, extra: object = {}): void => {
      const payload = {
        id,
        object: 'chat.completion.chunk',
        created,
        model: call.model,
        choices: [{ index: 0, delta, finish_reason: finish }],
        ...extra,
      }
      res.write(`data: ${JSON.stringify(payload)}\n\n`)
    }
    chunk({ role: 'assistant', content: '' }, null)
    for (const piece of text.match(/.{1,16}/gs) ?? []) chunk({ content: piece }, null)
    chunk({}, 'stop')
    res.write(
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: call.model, choices: [], usage })}\n\n`,
    )
    res.end('data: [DONE]\n\n')
  }

  private answerAnthropic(res: ServerResponse, call: FakeCall, text: string): void {
    const id = `msg_${this.calls.length}`
    const message = {
      id,
      type: 'message',
      role: 'assistant',
      model: call.model,
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 20 },
    }
    if (!call.stream) {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ ...message, content: [{ type: 'text', text }] }))
      return
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    const event = (type: string, data: object): void => {
      res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`)
    }
    event('message_start', {
      message: {
        ...message,
        content: [],
        stop_reason: null,
        usage: { input_tokens: 10, output_tokens: 1 },
      },
    })
    event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } })
    for (const piece of text.match(/.{1,16}/gs) ?? [])
      event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } })
    event('content_block_stop', { index: 0 })
    event('message_delta', {
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 20 },
    })
    event('message_stop', {})
    res.end()
  }
}

function keyOf(req: IncomingMessage): { apiKey?: string } {
  const header = req.headers['x-api-key']
  const anthropic = Array.isArray(header) ? header[0] : header
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
  const key = anthropic ?? bearer
  return key === undefined ? {} : { apiKey: key }
}
