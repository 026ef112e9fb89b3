import type { ContentPart, ToolCall } from '@anansi/protocol'
import { boundedString, shortId } from './bounded-text.js'
import { toJsonText } from './json-value.js'

/** Most parts kept in one message (the protocol's bound). */
const MAX_PARTS = 256
/** Most tool calls kept in one message (the protocol's bound). */
const MAX_TOOL_CALLS = 128

/** Whether a value is a non-array object, so its fields can be read. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function imageUrl(part: Record<string, unknown>): string | undefined {
  const nested = part.image_url ?? part.url ?? (isRecord(part.source) ? part.source.url : undefined)
  const url = isRecord(nested) ? nested.url : nested
  // Inline data URLs carry the image bytes: never ship them, only say there was an image.
  if (typeof url !== 'string' || url.startsWith('data:') || url.length > 4096) return undefined
  return url
}

function mediaType(part: Record<string, unknown>): string | undefined {
  const source = isRecord(part.source) ? part.source : undefined
  return boundedString(part.mediaType ?? part.media_type ?? source?.media_type, 128)
}

function image(part: Record<string, unknown>): ContentPart {
  const url = imageUrl(part)
  const type = mediaType(part)
  return {
    type: 'image',
    ...(url === undefined ? {} : { url }),
    ...(type === undefined ? {} : { mediaType: type }),
  }
}

function file(part: Record<string, unknown>): ContentPart {
  const nested = isRecord(part.file) ? part.file : part
  const name = boundedString(nested.name ?? nested.filename ?? part.title, 1024)
  const type = mediaType(part)
  return {
    type: 'file',
    ...(name === undefined ? {} : { name }),
    ...(type === undefined ? {} : { mediaType: type }),
  }
}

/** Maps one part of any provider's vocabulary (OpenAI, Responses, Anthropic) to a protocol part. */
export function toContentPart(part: unknown): ContentPart {
  if (typeof part === 'string') return { type: 'text', text: part }
  if (!isRecord(part)) return { type: 'text', text: toJsonText(part) }
  switch (part.type) {
    case 'image':
    case 'image_url':
    case 'input_image':
      return image(part)
    case 'file':
    case 'input_file':
    case 'document':
    case 'input_audio':
      return file(part)
    case 'refusal':
      return { type: 'text', text: typeof part.refusal === 'string' ? part.refusal : '' }
    default:
      return { type: 'text', text: typeof part.text === 'string' ? part.text : toJsonText(part) }
  }
}

/** Maps a list of parts, keeping the protocol's bound. */
export function toContentParts(parts: readonly unknown[]): ContentPart[] {
  return Array.from(parts.slice(0, MAX_PARTS), (part) => toContentPart(part)) // holes become parts too
}

/** Reads a tool call from the protocol shape, OpenAI's `{function:{name,arguments}}` or Anthropic's `tool_use`. */
export function toToolCall(value: unknown): ToolCall | undefined {
  if (!isRecord(value)) return undefined
  const fn = isRecord(value.function) ? value.function : value
  const name = boundedString(fn.name, 256)
  const args = fn.arguments ?? value.input ?? ''
  return {
    id: shortId(value.id ?? value.call_id) ?? 'unknown',
    name: name === undefined || name.length === 0 ? 'unknown' : name,
    arguments: typeof args === 'string' ? args : toJsonText(args),
  }
}

/** Maps a list of tool calls, keeping the protocol's bound. */
export function toToolCalls(value: unknown): ToolCall[] | undefined {
  if (!Array.isArray(value)) return undefined
  const calls = value.slice(0, MAX_TOOL_CALLS).flatMap((item) => toToolCall(item) ?? [])
  return calls.length === 0 ? undefined : calls
}
