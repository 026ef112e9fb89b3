import type { Message, ToolCall } from '@anansi/protocol'
import type { CallOutcome } from '../../core/active-call.js'
import { snapshot } from '../../core/call-record.js'
import { isRecord } from '../../event/content-parts.js'
import { messagesContent } from '../../event/content.js'
import { assistantOutput, completedOutcome } from '../assistant-output.js'
import type { MethodAdapter, StreamAccumulator } from '../method-adapter.js'
import { firstOfType, withFields } from '../replace-fields.js'
import { ToolCallBuilder } from '../tool-call-builder.js'

const text = (value: unknown): string => (typeof value === 'string' ? value : '')

/** Maps one Responses input item (message, function call, function output) to a chat message. */
function inputItem(item: unknown): unknown {
  if (typeof item === 'string') return { role: 'user', content: item }
  if (!isRecord(item)) return item
  if (item.type === 'function_call')
    return {
      role: 'assistant',
      content: '',
      toolCalls: [{ id: item.call_id, name: item.name, arguments: item.arguments }],
    }
  if (item.type === 'function_call_output')
    return {
      role: 'tool',
      content: text(item.output) || JSON.stringify(item.output ?? ''),
      toolCallId: item.call_id,
    }
  return item
}

/** What the Responses API input is read from. */
interface ResponsesSnapshot {
  instructions: unknown
  input: unknown
}

/** `instructions` plus `input` (a string or a list of items) as one conversation. */
function responsesInput(value: unknown): unknown {
  const params = value as ResponsesSnapshot
  const items =
    typeof params.input === 'string'
      ? [params.input]
      : Array.isArray(params.input)
        ? params.input
        : []
  const system: Partial<Message>[] =
    typeof params.instructions === 'string'
      ? [{ role: 'system', content: params.instructions }]
      : []
  return messagesContent([...system, ...items.map(inputItem)])
}

/** The text and function calls of a `Response`'s output items. */
function responseOutcome(response: unknown): CallOutcome {
  if (!isRecord(response)) return {}
  const items = Array.isArray(response.output) ? response.output.filter(isRecord) : []
  let answer = ''
  const toolCalls: ToolCall[] = []
  for (const item of items) {
    if (item.type === 'message' && Array.isArray(item.content))
      for (const part of item.content.filter(isRecord))
        answer += text(part.text) || text(part.refusal)
    if (item.type === 'function_call')
      toolCalls.push({
        id: text(item.call_id) || 'unknown',
        name: text(item.name) || 'unknown',
        arguments: text(item.arguments),
      })
  }
  return completedOutcome(answer, toolCalls, response)
}

/** Folds Responses stream events: text deltas as they come, the final response when it completes. */
class EventAccumulator implements StreamAccumulator {
  private answer = ''
  private readonly tools = new ToolCallBuilder()
  private final: CallOutcome | undefined

  add(event: unknown): boolean {
    if (!isRecord(event)) return false
    switch (event.type) {
      case 'response.output_text.delta':
      case 'response.refusal.delta':
        this.answer += text(event.delta)
        return true
      case 'response.function_call_arguments.delta':
        this.tools.add(typeof event.output_index === 'number' ? event.output_index : 0, {
          arguments: event.delta,
        })
        return true
      case 'response.output_item.added':
        if (isRecord(event.item) && event.item.type === 'function_call')
          this.tools.add(typeof event.output_index === 'number' ? event.output_index : 0, {
            id: event.item.call_id,
            name: event.item.name,
          })
        return false
      case 'response.completed':
      case 'response.incomplete':
      case 'response.failed':
        this.final = responseOutcome(event.response)
        return false
      default:
        return false
    }
  }

  outcome(): CallOutcome {
    return this.final ?? { output: assistantOutput(this.answer, this.tools.build()) }
  }
}

const FALLBACK_ITEM_ID = 'msg_anansi_fallback'

/** One completed assistant message item saying `answer`. */
function messageItem(answer: string, status: 'in_progress' | 'completed'): Record<string, unknown> {
  const content =
    status === 'completed' ? [{ type: 'output_text', text: answer, annotations: [] }] : []
  return { type: 'message', id: FALLBACK_ITEM_ID, role: 'assistant', status, content }
}

/** A `Response` whose output is one assistant message saying `answer` (`output_text` included). */
function replaceResponse(response: unknown, answer: string): unknown {
  return withFields(response, {
    status: 'completed',
    output: [messageItem(answer, 'completed')],
    output_text: answer,
    error: null,
    incomplete_details: null,
  })
}

/**
 * Responses stream events saying `answer`: the buffered stream's `response.created` and
 * `response.in_progress`, one message item with one text delta, then `response.completed`.
 */
function replaceEvents(events: readonly unknown[], answer: string): unknown[] {
  const created = firstOfType(events, ['response.created'])
  const inProgress = firstOfType(events, ['response.in_progress'])
  const terminal = firstOfType(events, [
    'response.completed',
    'response.incomplete',
    'response.failed',
  ])
  const where = { item_id: FALLBACK_ITEM_ID, output_index: 0, content_index: 0 }
  const part = (text: string) => ({ type: 'output_text', text, annotations: [] })
  const synthetic: Record<string, unknown>[] = [
    ...(created ? [created] : []),
    ...(inProgress ? [inProgress] : []),
    { type: 'response.output_item.added', output_index: 0, item: messageItem('', 'in_progress') },
    { type: 'response.content_part.added', ...where, part: part('') },
    { type: 'response.output_text.delta', ...where, delta: answer, logprobs: [] },
    { type: 'response.output_text.done', ...where, text: answer, logprobs: [] },
    { type: 'response.content_part.done', ...where, part: part(answer) },
    { type: 'response.output_item.done', output_index: 0, item: messageItem(answer, 'completed') },
    {
      type: 'response.completed',
      response: replaceResponse(terminal?.response ?? created?.response, answer),
    },
  ]
  return synthetic.map((event, index) => ({ ...event, sequence_number: index }))
}

/** `client.responses.create`. */
export const responsesAdapter: MethodAdapter = {
  provider: 'openai',
  operation: 'chat',
  model: (params) => text(params.model) || 'unknown',
  snapshot: (params): ResponsesSnapshot => ({
    instructions: params.instructions,
    input: snapshot(params.input),
  }),
  input: responsesInput,
  isStream: (params) => params.stream === true,
  outcome: responseOutcome,
  accumulator: () => new EventAccumulator(),
  replaceAnswer: replaceResponse,
  replaceStream: replaceEvents,
}
