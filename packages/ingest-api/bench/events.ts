import { eventMessageKey, eventSchema, uuidv7, type LlmEvent } from '@anansi/protocol'

/** Serialised size every benchmark event is padded to (UTF-8 bytes of its JSON). */
export const EVENT_BYTES = 1024

/** Models the events rotate through, so keys (project:model) spread over the topic's partitions. */
export const BENCH_MODELS = [
  { provider: 'openai', name: 'gpt-4o' },
  { provider: 'openai', name: 'gpt-4o-mini' },
  { provider: 'anthropic', name: 'claude-sonnet-4-5' },
  { provider: 'anthropic', name: 'claude-haiku-4-5' },
  { provider: 'gcp.gemini', name: 'gemini-2.5-pro' },
  { provider: 'aws.bedrock', name: 'llama-3.1-70b' },
  { provider: 'mistral_ai', name: 'mistral-large' },
  { provider: 'cohere', name: 'command-r-plus' },
] as const

// A well-formed v7 id of the final length, replaced by a fresh id in every serialised event.
const PLACEHOLDER_ID = '00000000-0000-7000-8000-000000000000'
const ANSWER =
  'Your order #48213 shipped yesterday from our Leeds warehouse and should arrive within two ' +
  'working days. You can follow it with the tracking link in your confirmation email. '

function sampleEvent(
  model: (typeof BENCH_MODELS)[number],
  timestamp: string,
  pad: string,
): LlmEvent {
  return {
    id: PLACEHOLDER_ID,
    timestamp,
    model: { provider: model.provider, name: model.name },
    category: 'chatbot',
    operation: 'chat',
    input: {
      type: 'messages',
      messages: [
        {
          role: 'system',
          content: 'You are the support assistant of an online bookshop. Be brief.',
        },
        { role: 'user', content: 'Where is my order #48213? It was due on Monday.' },
      ],
    },
    output: { type: 'text', text: ANSWER + pad },
    usage: { inputTokens: 182, outputTokens: 96, totalTokens: 278 },
    latencyMs: 812,
    status: 'ok',
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    sessionId: 'session-4821',
    userId: 'user-77',
    tags: ['bench', 'support'],
    metadata: { tenant: 'acme', region: 'eu-west-1' },
    gate: { mode: 'observe' },
    sdk: { name: '@anansi/sdk', version: '0.1.0' },
  }
}

/** The JSON of one event split around its id, so a fresh event is two string concatenations. */
interface Template {
  model: string
  before: string
  after: string
}

function template(model: (typeof BENCH_MODELS)[number], timestamp: string): Template {
  const base = JSON.stringify(sampleEvent(model, timestamp, ''))
  const pad = 'x'.repeat(Math.max(0, EVENT_BYTES - Buffer.byteLength(base)))
  const event = sampleEvent(model, timestamp, pad)
  // Fail loudly if the benchmark ever drifts from the wire contract: every event must be valid.
  eventSchema.parse(event)
  const [before, after, ...rest] = JSON.stringify(event).split(PLACEHOLDER_ID)
  if (before === undefined || after === undefined || rest.length > 0)
    throw new Error('the event template must contain its id exactly once')
  return { model: model.name, before, after }
}

/** One freshly generated event in serialised form. */
export interface FreshEvent {
  id: string
  model: string
  json: string
}

/**
 * Generates valid ~1 KB events with unique UUIDv7 ids, cheaply: the load generator shares two CPU
 * cores with the server, so building a body must cost far less than serving it.
 */
export class EventFactory {
  private readonly templates: Template[]
  private next = 0

  constructor(timestamp: string = new Date().toISOString()) {
    this.templates = BENCH_MODELS.map((m) => template(m, timestamp))
  }

  /** A new event (the next model in the rotation, a fresh id). */
  event(): FreshEvent {
    const t = this.templates[this.next % this.templates.length] as Template
    this.next += 1
    const id = uuidv7()
    return { id, model: t.model, json: t.before + id + t.after }
  }

  /** A `POST /v1/events` body of `size` fresh events. */
  batchBody(size: number): string {
    const parts: string[] = []
    for (let i = 0; i < size; i += 1) parts.push(this.event().json)
    return `{"events":[${parts.join(',')}]}`
  }

  /**
   * `size` fresh events as the ingest API puts them on `anansi.events` (same key, value envelope
   * and header), for the raw producer baseline.
   */
  busMessages(
    projectId: string,
    size: number,
  ): { key: string; value: string; headers: Record<string, string> }[] {
    const receivedAt = new Date().toISOString()
    const head = `{"projectId":${JSON.stringify(projectId)},"receivedAt":"${receivedAt}","event":`
    const messages = []
    for (let i = 0; i < size; i += 1) {
      const e = this.event()
      messages.push({
        key: eventMessageKey(projectId, e.model),
        value: `${head}${e.json}}`,
        headers: { 'event-id': e.id },
      })
    }
    return messages
  }
}
