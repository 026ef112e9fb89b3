import type { Content, Message } from '../content.js'
import type { LlmEvent } from '../event.js'
import { MAX_EVENT_BYTES } from '../limits.js'

const utf8 = new TextEncoder()

function bytes(event: LlmEvent): number {
  return utf8.encode(JSON.stringify(event)).byteLength
}

function capMessage(message: Message, max: number): Message {
  const content =
    typeof message.content === 'string'
      ? message.content.slice(0, max)
      : message.content.map((part) =>
          part.type === 'text' ? { ...part, text: part.text.slice(0, max) } : part,
        )
  const toolCalls = message.toolCalls?.map((call) => ({
    ...call,
    arguments: call.arguments.slice(0, max),
  }))
  return { ...message, content, ...(toolCalls === undefined ? {} : { toolCalls }) }
}

function capContent(content: Content, max: number): Content {
  return content.type === 'text'
    ? { type: 'text', text: content.text.slice(0, max) }
    : { type: 'messages', messages: content.messages.map((m) => capMessage(m, max)) }
}

/**
 * Fits an event to the protocol's size limit by shortening its texts (each one to the same cap,
 * halving the cap until it fits), then by keeping only the latest messages. Evaluators read the
 * start of long texts anyway; what they cannot read is an event the API rejects.
 */
export function fitSpanEvent(event: LlmEvent): LlmEvent {
  if (bytes(event) <= MAX_EVENT_BYTES) return event
  let fitted = event
  for (let max = 32 * 1024; max >= 64; max = Math.floor(max / 2)) {
    fitted = {
      ...event,
      input: capContent(event.input, max),
      ...(event.output === undefined ? {} : { output: capContent(event.output, max) }),
    }
    if (bytes(fitted) <= MAX_EVENT_BYTES) return fitted
  }
  const last = (content: Content): Content =>
    content.type === 'messages'
      ? { type: 'messages', messages: content.messages.slice(-8) }
      : content
  const { metadata: _metadata, ...rest } = fitted
  return {
    ...rest,
    input: capContent(last(fitted.input), 1024),
    ...(fitted.output === undefined ? {} : { output: capContent(last(fitted.output), 1024) }),
  }
}
