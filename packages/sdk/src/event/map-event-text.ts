import type { Content, ContentPart, JsonValue, LlmEvent, Message } from '@anansi/protocol'

/** A rewrite of one piece of free text (a redactor, a truncator). */
export type TextMap = (text: string) => string

function mapPart(part: ContentPart, fn: TextMap): ContentPart {
  return part.type === 'text' ? { ...part, text: fn(part.text) } : part
}

function mapMessage(message: Message, fn: TextMap): Message {
  const content =
    typeof message.content === 'string'
      ? fn(message.content)
      : message.content.map((part) => mapPart(part, fn))
  const toolCalls = message.toolCalls?.map((call) => ({ ...call, arguments: fn(call.arguments) }))
  return { ...message, content, ...(toolCalls === undefined ? {} : { toolCalls }) }
}

function mapContent(content: Content, fn: TextMap): Content {
  return content.type === 'text'
    ? { type: 'text', text: fn(content.text) }
    : { type: 'messages', messages: content.messages.map((m) => mapMessage(m, fn)) }
}

function mapJson(value: JsonValue, fn: TextMap): JsonValue {
  if (typeof value === 'string') return fn(value)
  if (Array.isArray(value)) return value.map((item) => mapJson(item, fn))
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, JsonValue> = {}
  for (const [key, child] of Object.entries(value)) out[key] = mapJson(child, fn)
  return out
}

/**
 * Applies `fn` to every free-text field of an event (input, output, tool arguments, retrieval
 * documents, the error message, metadata strings), leaving ids, names and numbers alone.
 */
export function mapEventText(event: LlmEvent, fn: TextMap): LlmEvent {
  const out: LlmEvent = { ...event, input: mapContent(event.input, fn) }
  if (event.output) out.output = mapContent(event.output, fn)
  if (event.context)
    out.context = event.context.map((doc) => ({ ...doc, content: fn(doc.content) }))
  if (event.error) out.error = { ...event.error, message: fn(event.error.message) }
  if (event.metadata) {
    const metadata: Record<string, JsonValue> = {}
    for (const [key, value] of Object.entries(event.metadata)) metadata[key] = mapJson(value, fn)
    out.metadata = metadata
  }
  return out
}
