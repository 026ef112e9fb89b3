import type { ContentPart, Message, ToolCall } from '../content.js'
import { MAX_ID_CHARS, MAX_MESSAGES } from '../limits.js'
import { messageRoleOf } from '../message-role.js'

type Role = Message['role']

/** Longest text kept from one message part before the whole event is fitted to its size limit. */
export const MAX_PART_CHARS = 64 * 1024

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A message role from any convention's vocabulary; unknown roles read as `user`. */
export function toRole(value: unknown): Role {
  return (typeof value === 'string' && messageRoleOf(value)) || 'user'
}

/** Text bounded to `max` characters. */
export function boundText(text: string, max: number = MAX_PART_CHARS): string {
  return text.length > max ? text.slice(0, max) : text
}

/** Any value as text: strings as they are, the rest as JSON (what a tool argument or result is). */
export function asText(value: unknown): string {
  if (typeof value === 'string') return boundText(value)
  if (value === undefined || value === null) return ''
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean')
    return String(value)
  try {
    return boundText(JSON.stringify(value) ?? '')
  } catch {
    return '' // a cycle: nothing a reader could use
  }
}

function shortId(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value.slice(0, MAX_ID_CHARS) : undefined
}

/** A tool call in the GenAI convention (`{type:'tool_call', id, name, arguments}`) or OpenAI's shape. */
function toToolCall(raw: unknown, index: number): ToolCall | undefined {
  if (!isRecord(raw)) return undefined
  const fn = isRecord(raw.function) ? raw.function : raw
  const name = shortId(fn.name)
  if (name === undefined) return undefined
  return { id: shortId(raw.id) ?? `call_${index}`, name, arguments: asText(fn.arguments ?? '') }
}

function mediaPart(part: Record<string, unknown>): ContentPart {
  const mediaType = shortId(part.mime_type ?? part.mimeType ?? part.media_type)?.slice(0, 128)
  const modality = typeof part.modality === 'string' ? part.modality : ''
  const url = typeof part.uri === 'string' ? part.uri.slice(0, 4096) : undefined
  const image =
    modality === 'image' || part.type === 'image_url' || mediaType?.startsWith('image/') === true
  if (image) {
    const imageUrl = isRecord(part.image_url) ? shortId(part.image_url.url) : url
    return {
      type: 'image',
      ...(imageUrl === undefined ? {} : { url: imageUrl.slice(0, 4096) }),
      ...(mediaType === undefined ? {} : { mediaType }),
    }
  }
  return { type: 'file', ...(mediaType === undefined ? {} : { mediaType }) }
}

interface Parts {
  texts: string[]
  media: ContentPart[]
  toolCalls: ToolCall[]
  /** `tool_call_response` parts: each becomes a tool message of its own. */
  responses: Message[]
}

function readPart(parts: Parts, raw: unknown): void {
  if (typeof raw === 'string') {
    parts.texts.push(boundText(raw))
    return
  }
  if (!isRecord(raw)) return
  const type = typeof raw.type === 'string' ? raw.type : 'text'
  if (type === 'text' || type === 'reasoning' || type === 'input_text' || type === 'output_text') {
    const text = raw.content ?? raw.text
    if (typeof text === 'string') parts.texts.push(boundText(text))
  } else if (type === 'tool_call' || type === 'function') {
    const call = toToolCall(raw, parts.toolCalls.length)
    if (call !== undefined) parts.toolCalls.push(call)
  } else if (type === 'tool_call_response') {
    const toolCallId = shortId(raw.id)
    parts.responses.push({
      role: 'tool',
      content: asText(raw.response ?? raw.result),
      ...(toolCallId === undefined ? {} : { toolCallId }),
    })
  } else {
    parts.media.push(mediaPart(raw))
  }
}

/**
 * One message of the GenAI convention (`{role, parts}`), OpenAI's shape (`{role, content,
 * tool_calls}`) or a bare `{role, content}`; may yield several (tool responses are messages of
 * their own in the protocol).
 */
function toMessages(raw: unknown): Message[] {
  if (!isRecord(raw)) return typeof raw === 'string' ? [{ role: 'user', content: raw }] : []
  const parts: Parts = { texts: [], media: [], toolCalls: [], responses: [] }
  const source = Array.isArray(raw.parts)
    ? raw.parts
    : Array.isArray(raw.content)
      ? raw.content
      : raw.content === undefined || raw.content === null
        ? []
        : [typeof raw.content === 'string' ? raw.content : asText(raw.content)]
  for (const part of source as unknown[]) readPart(parts, part)
  const calls = raw.tool_calls ?? raw.toolCalls
  if (Array.isArray(calls))
    calls.forEach((call: unknown, i) => {
      const parsed = toToolCall(call, i)
      if (parsed !== undefined) parts.toolCalls.push(parsed)
    })
  const role = toRole(raw.role)
  const text = parts.texts.join('')
  const content: Message['content'] =
    parts.media.length === 0
      ? text
      : [...(text === '' ? [] : [{ type: 'text' as const, text }]), ...parts.media]
  const name = shortId(raw.name)
  const toolCallId = shortId(raw.tool_call_id ?? raw.toolCallId)
  const own: Message[] =
    text === '' &&
    parts.media.length === 0 &&
    parts.toolCalls.length === 0 &&
    parts.responses.length > 0
      ? []
      : [
          {
            role,
            content,
            ...(name === undefined ? {} : { name }),
            ...(parts.toolCalls.length === 0 ? {} : { toolCalls: parts.toolCalls.slice(0, 128) }),
            ...(toolCallId === undefined ? {} : { toolCallId }),
          },
        ]
  return [...own, ...parts.responses]
}

/** Parses a JSON-string attribute (how OpenTelemetry carries structured values); other values pass. */
export function parseJsonAttr(value: unknown): unknown {
  if (typeof value !== 'string') return value
  const trimmed = value.trimStart()
  if (!trimmed.startsWith('[') && !trimmed.startsWith('{')) return value
  try {
    return JSON.parse(value) as unknown
  } catch {
    return value
  }
}

/**
 * Messages from a list in any of the supported shapes, keeping the most recent within the
 * protocol's bound; undefined when the value holds none.
 */
export function messagesFrom(value: unknown): Message[] | undefined {
  const parsed = parseJsonAttr(value)
  const list = Array.isArray(parsed)
    ? parsed
    : isRecord(parsed) && Array.isArray(parsed.messages)
      ? parsed.messages
      : undefined
  if (list === undefined) return undefined
  const messages = (list as unknown[]).flatMap(toMessages)
  if (messages.length === 0) return undefined
  return messages.length > MAX_MESSAGES ? messages.slice(-MAX_MESSAGES) : messages
}

/** System instructions (`gen_ai.system_instructions`: a list of parts) as one system message. */
export function systemMessage(value: unknown): Message | undefined {
  const parsed = parseJsonAttr(value)
  if (typeof parsed === 'string')
    return parsed === '' ? undefined : { role: 'system', content: boundText(parsed) }
  if (!Array.isArray(parsed)) return undefined
  const parts: Parts = { texts: [], media: [], toolCalls: [], responses: [] }
  for (const part of parsed as unknown[]) readPart(parts, part)
  const text = parts.texts.join('\n')
  return text === '' ? undefined : { role: 'system', content: text }
}

/**
 * Messages laid out as indexed flat attributes, the way OpenLLMetry (`gen_ai.prompt.0.role`,
 * `gen_ai.prompt.0.content`) and OpenInference (`llm.input_messages.0.message.role`) flatten them.
 * `prefix` is everything before the index; `infix` what follows it before `role`/`content`.
 */
export function indexedMessages(
  attributes: Readonly<Record<string, unknown>>,
  prefix: string,
  infix: string = '',
): Message[] | undefined {
  const byIndex = new Map<number, Record<string, unknown>>()
  for (const [key, value] of Object.entries(attributes)) {
    if (!key.startsWith(prefix)) continue
    const rest = key.slice(prefix.length)
    const match = /^(\d+)\.(.+)$/.exec(rest)
    if (match?.[1] === undefined || match[2] === undefined) continue
    const field = match[2].startsWith(infix) ? match[2].slice(infix.length) : match[2]
    const index = Number(match[1])
    if (index >= MAX_MESSAGES * 4) continue
    // Keys come from the wire: a null-prototype record keeps `__proto__` an ordinary field.
    const entry = byIndex.get(index) ?? (Object.create(null) as Record<string, unknown>)
    entry[field] = value
    byIndex.set(index, entry)
  }
  if (byIndex.size === 0) return undefined
  const ordered = [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, entry]) => entry)
  return messagesFrom(ordered.map(flatMessage))
}

/** One flattened message (`role`, `content`, `tool_calls.0.name`, `contents.0.message_content.text`…). */
function flatMessage(entry: Record<string, unknown>): Record<string, unknown> {
  const texts: string[] = []
  const calls = new Map<number, Record<string, unknown>>()
  for (const [key, value] of Object.entries(entry)) {
    const content = /^contents\.(\d+)\.message_content\.text$/.exec(key)
    if (content !== null && typeof value === 'string') texts.push(value)
    const call = /^tool_calls\.(\d+)\.(?:tool_call\.)?(?:function\.)?(id|name|arguments)$/.exec(key)
    if (call?.[1] !== undefined && call[2] !== undefined) {
      const index = Number(call[1])
      const target = calls.get(index) ?? (Object.create(null) as Record<string, unknown>)
      target[call[2]] = value
      calls.set(index, target)
    }
  }
  const content = typeof entry.content === 'string' ? entry.content : texts.join('')
  return {
    role: entry.role,
    content,
    ...(entry.name === undefined ? {} : { name: entry.name }),
    ...(entry.tool_call_id === undefined ? {} : { tool_call_id: entry.tool_call_id }),
    tool_calls: [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call),
  }
}
