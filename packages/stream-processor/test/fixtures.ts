import type { Bus, ConsumedMessage } from '@anansi/bus'
import { TOPICS, uuidv7, type LlmEvent } from '@anansi/protocol'
import { publishEventsTo } from './publish.js'

/** Answers the toxicity model scores high and low (checked by the tests that use them). */
export const TOXIC_ANSWER =
  'You are a worthless idiot and I hope you die, you disgusting piece of trash.'
export const BENIGN_ANSWER =
  'The capital of France is Paris. It has been the capital for centuries.'

/** A valid event with fresh uuidv7 id; override any field. */
export function makeEvent(overrides: Partial<LlmEvent> = {}): LlmEvent {
  return {
    id: uuidv7(),
    timestamp: new Date().toISOString(),
    model: { provider: 'openai', name: 'gpt-4o' },
    category: 'chatbot',
    input: { type: 'text', text: 'What is the capital of France?' },
    output: { type: 'text', text: BENIGN_ANSWER },
    latencyMs: 120,
    usage: { inputTokens: 8, outputTokens: 14 },
    status: 'ok',
    ...overrides,
  }
}

/** Puts events on `anansi.events` exactly as the ingest API does. */
export function publishEvents(
  bus: Bus,
  projectId: string,
  events: readonly LlmEvent[],
): Promise<void> {
  return publishEventsTo(bus, TOPICS.events, projectId, events)
}

/** Reads a topic from the start with a fresh group until `count` messages arrived or time ran out. */
export async function readTopic(
  bus: Bus,
  topic: string,
  count: number,
  timeoutMs = 20_000,
  enough: (messages: readonly ConsumedMessage[]) => boolean = (messages) =>
    messages.length >= count,
): Promise<ConsumedMessage[]> {
  const received: ConsumedMessage[] = []
  const consumer = bus.createConsumer({
    groupId: `test-reader-${uuidv7()}`,
    topics: [topic],
    startFrom: 'earliest',
  })
  let done: () => void = () => undefined
  const finished = new Promise<void>((resolve) => {
    done = resolve
  })
  await consumer.run({
    eachBatch: async (batch) => {
      received.push(...batch.messages)
      if (enough(received)) done()
      await Promise.resolve()
    },
  })
  const timer = setTimeout(done, timeoutMs)
  await finished
  clearTimeout(timer)
  await consumer.stop()
  return received
}

/** Polls `check` until it returns true or `timeoutMs` passes; returns whether it did. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 20_000,
  intervalMs = 50,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return true
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
  return check()
}

/** Parses a JSON message value. */
export function json(message: ConsumedMessage): unknown {
  return JSON.parse(new TextDecoder().decode(message.value))
}
