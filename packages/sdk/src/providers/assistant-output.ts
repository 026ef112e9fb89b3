import type { Content, ToolCall } from '@anansi/protocol'

/** The model's answer as protocol content: one assistant message with its text and tool calls. */
export function assistantOutput(text: string, toolCalls: ToolCall[] | undefined): Content {
  return {
    type: 'messages',
    messages: [{ role: 'assistant', content: text, ...(toolCalls ? { toolCalls } : {}) }],
  }
}
