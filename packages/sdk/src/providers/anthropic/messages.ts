import type { ToolCall } from '@anansi/protocol'
import type { CallOutcome } from '../../core/active-call.js'
import { snapshot } from '../../core/call-record.js'
import { isRecord } from '../../event/content-parts.js'
import { messagesContent } from '../../event/content.js'
import { toJsonText } from '../../event/json-value.js'
import { assistantOutput, completedOutcome } from '../assistant-output.js'
import type { MethodAdapter, StreamAccumulator } from '../method-adapter.js'
import { firstOfType, withFields } from '../replace-fields.js'
import { ToolCallBuilder } from '../tool-call-builder.js'
import { readUsage } from '../usage.js'

const text = (value: unknown): string => (typeof value === 'string' ? value : '')

/** The text of a `tool_result` block: a string, or a list of text blocks. */
function toolResultText(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return toJsonText(content ?? '')
  return content
    .filter(isRecord)
    .map((block) => text(block.text))
    .join('')
}

/**
 * One Anthropic message as protocol messages: `tool_use` blocks become tool calls, `tool_result`
 * blocks become tool messages, the rest stay content parts.
 */
function anthropicMessage(message: unknown): unknown[] {
  if (!isRecord(message) || !Array.isArray(message.content)) return [message]
  const blocks = message.content.filter(isRecord)
  const results = blocks.filter((b) => b.type === 'tool_result')
  const calls = blocks.filter((b) => b.type === 'tool_use')
  const parts = blocks.filter((b) => b.type !== 'tool_result' && b.type !== 'tool_use')
  const toolMessages = results.map((b) => ({
    role: 'tool',
    content: toolResultText(b.content),
    toolCallId: b.tool_use_id,
  }))
  if (parts.length === 0 && calls.length === 0) return toolMessages
  const main = {
    role: message.role,
    content: parts,
    ...(calls.length > 0 ? { toolCalls: calls } : {}),
  }
  return [...toolMessages, main]
}

/** What the Messages API input is read from. */
interface MessagesSnapshot {
  system: unknown
  messages: unknown
}

/** `system` (a string or text blocks) plus the conversation. */
function messagesInput(value: unknown): unknown {
  const params = value as MessagesSnapshot
  const system =
    typeof params.system === 'string' ? params.system : toolResultText(params.system ?? '')
  const messages = Array.isArray(params.messages) ? params.messages.flatMap(anthropicMessage) : []
  return messagesContent([...(system ? [{ role: 'system', content: system }] : []), ...messages])
}

/** A `Message` answer: its text blocks, `tool_use` blocks, usage and model. */
function messageOutcome(response: unknown): CallOutcome {
  if (!isRecord(response)) return {}
  const blocks = Array.isArray(response.content) ? response.content.filter(isRecord) : []
  const answer = blocks.map((b) => (b.type === 'text' ? text(b.text) : '')).join('')
  const toolCalls: ToolCall[] = blocks
    .filter((b) => b.type === 'tool_use')
    .map((b) => ({
      id: text(b.id) || 'unknown',
      name: text(b.name) || 'unknown',
      arguments: toJsonText(b.input ?? {}),
    }))
  return completedOutcome(answer, toolCalls, response)
}

/** Folds Messages stream events (message_start, content_block_*, message_delta). */
class EventAccumulator implements StreamAccumulator {
  private answer = ''
  private readonly tools = new ToolCallBuilder()
  private inputTokens: number | undefined
  private outputTokens: number | undefined
  private model: string | undefined

  add(event: unknown): boolean {
    if (!isRecord(event)) return false
    const index = typeof event.index === 'number' ? event.index : 0
    if (event.type === 'message_start' && isRecord(event.message)) {
      this.model = text(event.message.model) || undefined
      this.readUsage(event.message.usage)
    } else if (event.type === 'message_delta') this.readUsage(event.usage)
    else if (event.type === 'content_block_start' && isRecord(event.content_block)) {
      const block = event.content_block
      if (block.type === 'tool_use') this.tools.add(index, { id: block.id, name: block.name })
    } else if (event.type === 'content_block_delta' && isRecord(event.delta)) {
      if (event.delta.type === 'text_delta') this.answer += text(event.delta.text)
      else if (event.delta.type === 'input_json_delta')
        this.tools.add(index, { arguments: event.delta.partial_json })
      return true
    }
    return false
  }

  outcome(): CallOutcome {
    const usage = readUsage({ input_tokens: this.inputTokens, output_tokens: this.outputTokens })
    return {
      output: assistantOutput(this.answer, this.tools.build()),
      ...(usage ? { usage } : {}),
      ...(this.model ? { responseModel: this.model } : {}),
    }
  }

  private readUsage(value: unknown): void {
    if (!isRecord(value)) return
    if (typeof value.input_tokens === 'number') this.inputTokens = value.input_tokens
    if (typeof value.output_tokens === 'number') this.outputTokens = value.output_tokens
  }
}

/** A `Message` whose content is one text block saying `answer`. */
function replaceMessage(response: unknown, answer: string): unknown {
  return withFields(response, {
    content: [{ type: 'text', text: answer, citations: null }],
    stop_reason: 'end_turn',
    stop_sequence: null,
  })
}

/**
 * Messages stream events saying `answer`: the buffered `message_start`, one text block with one
 * delta, the buffered `message_delta` (its usage) with `end_turn`, and `message_stop`.
 */
function replaceEvents(events: readonly unknown[], answer: string): unknown[] {
  const start = firstOfType(events, ['message_start'])
  const delta = firstOfType(events, ['message_delta'])
  const message = isRecord(start?.message) ? start.message : { id: 'msg_anansi', model: 'unknown' }
  return [
    {
      type: 'message_start',
      message: withFields(
        { type: 'message', role: 'assistant', ...message },
        { content: [], stop_reason: null, stop_sequence: null },
      ),
    },
    {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '', citations: null },
    },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: answer } },
    { type: 'content_block_stop', index: 0 },
    {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: isRecord(delta?.usage) ? delta.usage : { output_tokens: 0 },
    },
    { type: 'message_stop' },
  ]
}

/** `client.messages.create`. */
export const messagesAdapter: MethodAdapter = {
  provider: 'anthropic',
  operation: 'chat',
  model: (params) => text(params.model) || 'unknown',
  snapshot: (params): MessagesSnapshot => ({
    system: params.system,
    messages: snapshot(params.messages),
  }),
  input: messagesInput,
  isStream: (params) => params.stream === true,
  outcome: messageOutcome,
  accumulator: () => new EventAccumulator(),
  replaceAnswer: replaceMessage,
  replaceStream: replaceEvents,
}
