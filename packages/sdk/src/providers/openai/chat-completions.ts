import type { ToolCall } from '@anansi/protocol'
import type { CallOutcome } from '../../core/active-call.js'
import { snapshot } from '../../core/call-record.js'
import { isRecord } from '../../event/content-parts.js'
import { toToolCalls } from '../../event/content-parts.js'
import { assistantOutput } from '../assistant-output.js'
import type { MethodAdapter, StreamAccumulator } from '../method-adapter.js'
import { withFields } from '../replace-fields.js'
import { ToolCallBuilder } from '../tool-call-builder.js'
import { readUsage } from '../usage.js'

const text = (value: unknown): string => (typeof value === 'string' ? value : '')

/** Reads a `ChatCompletion`: every choice's text (joined) and tool calls, usage and model. */
function completionOutcome(response: unknown): CallOutcome {
  if (!isRecord(response)) return {}
  const choices = Array.isArray(response.choices) ? response.choices.filter(isRecord) : []
  const messages = choices.map((choice) => (isRecord(choice.message) ? choice.message : {}))
  const answer = messages.map((m) => text(m.content) || text(m.refusal)).join('\n')
  const toolCalls = messages.flatMap((m) => toToolCalls(m.tool_calls) ?? [])
  const usage = readUsage(response.usage)
  return {
    output: assistantOutput(answer, toolCalls.length > 0 ? toolCalls : undefined),
    ...(usage ? { usage } : {}),
    ...(typeof response.model === 'string' ? { responseModel: response.model } : {}),
  }
}

/** Folds `ChatCompletionChunk`s: content deltas, tool-call deltas by index, final usage. */
class ChunkAccumulator implements StreamAccumulator {
  private answer = ''
  private readonly tools = new ToolCallBuilder()
  private last: CallOutcome = {}

  add(chunk: unknown): boolean {
    if (!isRecord(chunk)) return false
    const usage = readUsage(chunk.usage)
    if (usage) this.last = { ...this.last, usage }
    if (typeof chunk.model === 'string') this.last = { ...this.last, responseModel: chunk.model }
    let content = false
    for (const choice of Array.isArray(chunk.choices) ? chunk.choices : []) {
      const delta = isRecord(choice) && isRecord(choice.delta) ? choice.delta : {}
      const piece = text(delta.content) || text(delta.refusal)
      if (piece) {
        this.answer += piece
        content = true
      }
      for (const call of Array.isArray(delta.tool_calls) ? delta.tool_calls.filter(isRecord) : []) {
        const fn = isRecord(call.function) ? call.function : {}
        this.tools.add(typeof call.index === 'number' ? call.index : 0, { id: call.id, ...fn })
        content = true
      }
    }
    return content
  }

  outcome(): CallOutcome {
    const toolCalls: ToolCall[] | undefined = this.tools.build()
    return { ...this.last, output: assistantOutput(this.answer, toolCalls) }
  }
}

/** A `ChatCompletion` whose single choice is the assistant saying `answer`. */
function replaceCompletion(response: unknown, answer: string): unknown {
  // Only the shape is kept: logprobs, tool calls and annotations belong to the refused answer.
  const message = { role: 'assistant', content: answer, refusal: null }
  return withFields(response, {
    choices: [{ index: 0, finish_reason: 'stop', logprobs: null, message }],
  })
}

/**
 * `ChatCompletionChunk`s saying `answer`: one content delta and a stop, with the ids and model of
 * the buffered stream, and its usage chunk when it had one (`stream_options.include_usage`).
 */
function replaceChunks(chunks: readonly unknown[], answer: string): unknown[] {
  const first = chunks.find(isRecord) ?? {}
  const base = {
    id: first.id ?? 'chatcmpl-anansi',
    object: 'chat.completion.chunk',
    created: first.created ?? Math.floor(Date.now() / 1000),
    model: first.model ?? 'unknown',
    ...(first.system_fingerprint === undefined
      ? {}
      : { system_fingerprint: first.system_fingerprint }),
  }
  const usage = chunks.find(
    (chunk) => isRecord(chunk) && isRecord(chunk.usage) && Array.isArray(chunk.choices),
  )
  return [
    {
      ...base,
      choices: [
        {
          index: 0,
          delta: { role: 'assistant', content: answer },
          logprobs: null,
          finish_reason: null,
        },
      ],
    },
    { ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] },
    ...(isRecord(usage) ? [{ ...base, choices: [], usage: usage.usage }] : []),
  ]
}

/** `client.chat.completions.create`. */
export const chatCompletionsAdapter: MethodAdapter = {
  provider: 'openai',
  operation: 'chat',
  model: (params) => text(params.model) || 'unknown',
  snapshot: (params) => snapshot(params.messages),
  input: (messages) => messages,
  isStream: (params) => params.stream === true,
  outcome: completionOutcome,
  accumulator: () => new ChunkAccumulator(),
  replaceAnswer: replaceCompletion,
  replaceStream: replaceChunks,
}
