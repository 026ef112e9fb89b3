import type { Content, ToolCall } from '@anansi/protocol'
import type { CallOutcome } from '../core/active-call.js'
import { readUsage } from './usage.js'

/** The model's answer as protocol content: one assistant message with its text and tool calls. */
export function assistantOutput(text: string, toolCalls: ToolCall[] | undefined): Content {
  return {
    type: 'messages',
    messages: [{ role: 'assistant', content: text, ...(toolCalls ? { toolCalls } : {}) }],
  }
}

/**
 * The outcome of a completed, non-streamed call, whatever the provider: the answer with its tool
 * calls, plus usage and the response model when the provider's response carries them.
 */
export function completedOutcome(
  answer: string,
  toolCalls: ToolCall[],
  response: Record<string, unknown>,
): CallOutcome {
  const usage = readUsage(response.usage)
  return {
    output: assistantOutput(answer, toolCalls.length > 0 ? toolCalls : undefined),
    ...(usage ? { usage } : {}),
    ...(typeof response.model === 'string' ? { responseModel: response.model } : {}),
  }
}
