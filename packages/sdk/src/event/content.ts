import { MAX_MESSAGES, messageRoleOf, type Content, type Message } from '@anansi/protocol'
import { boundedString, shortId } from './bounded-text.js'
import { isRecord, toContentParts, toToolCalls } from './content-parts.js'
import { toJsonText } from './json-value.js'

/** Whether a value looks like a chat message of any provider (an object with a string `role`). */
function isMessageLike(value: unknown): value is Record<string, unknown> & { role: string } {
  return isRecord(value) && typeof value.role === 'string'
}

/** Maps one message of any provider's shape to the protocol's. */
export function toMessage(value: Record<string, unknown> & { role: string }): Message {
  const raw = value.content
  const content =
    typeof raw === 'string'
      ? raw
      : Array.isArray(raw)
        ? toContentParts(raw)
        : raw === undefined || raw === null
          ? ''
          : toJsonText(raw)
  const name = boundedString(value.name, 256)
  const toolCalls = toToolCalls(value.toolCalls ?? value.tool_calls)
  const toolCallId = shortId(value.toolCallId ?? value.tool_call_id)
  return {
    role: messageRoleOf(value.role) ?? 'user',
    content,
    ...(name === undefined ? {} : { name }),
    ...(toolCalls === undefined ? {} : { toolCalls }),
    ...(toolCallId === undefined ? {} : { toolCallId }),
  }
}

/** Builds a messages content from a list, keeping the most recent messages within the bound. */
export function messagesContent(values: readonly unknown[]): Content {
  const recent = values.length > MAX_MESSAGES ? values.slice(-MAX_MESSAGES) : values
  const messages = Array.from(recent, (item) =>
    isMessageLike(item) ? toMessage(item) : { role: 'user' as const, content: toJsonText(item) },
  )
  return messages.length === 0 ? { type: 'text', text: '' } : { type: 'messages', messages }
}

/**
 * Turns whatever a call took or returned into protocol content: a string stays text, a list of
 * messages (OpenAI, Anthropic or protocol shaped) becomes messages, anything else becomes JSON text.
 */
export function toContent(value: unknown): Content {
  if (typeof value === 'string') return { type: 'text', text: value }
  if (value === undefined || value === null) return { type: 'text', text: '' }
  if (Array.isArray(value)) {
    if (value.some(isMessageLike)) return messagesContent(value)
    if (value.every((item) => typeof item === 'string'))
      return { type: 'text', text: value.join('\n') }
    return { type: 'text', text: toJsonText(value) }
  }
  if (isRecord(value)) {
    if (value.type === 'text' && typeof value.text === 'string')
      return { type: 'text', text: value.text }
    if (Array.isArray(value.messages)) return messagesContent(value.messages)
    if (isMessageLike(value)) return messagesContent([value])
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return { type: 'text', text: String(value) }
  if (typeof value === 'symbol') return { type: 'text', text: value.description ?? '' }
  // Objects become JSON; functions become nothing (code is not content).
  return { type: 'text', text: typeof value === 'object' ? toJsonText(value) : '' }
}
