import type { CallToEvaluate } from '@anansi/evaluator'
import { contentText, lastUserText, type LlmEvent } from '@anansi/protocol'

/** Tool-role messages after the last user turn: what tools returned in this turn of an agent loop. */
function latestToolOutputs(input: LlmEvent['input']): string[] {
  if (input.type === 'text') return []
  const outputs: string[] = []
  for (let i = input.messages.length - 1; i >= 0; i -= 1) {
    const message = input.messages[i]
    if (message === undefined || message.role === 'user') break
    if (message.role === 'tool')
      outputs.unshift(contentText({ type: 'messages', messages: [message] }))
  }
  return outputs
}

/**
 * What the evaluators judge of an event: the last user turn (earlier turns were judged when they
 * were sent), the answer, the retrieval documents (grounding, and planted instructions) and the
 * tool results read since that user turn (planted instructions).
 */
export function evaluationCall(event: LlmEvent): CallToEvaluate {
  const context = event.context?.map((doc) => doc.content)
  const toolOutputs = latestToolOutputs(event.input)
  return {
    input: lastUserText(event.input),
    ...(event.output === undefined ? {} : { output: contentText(event.output) }),
    ...(context === undefined || context.length === 0 ? {} : { context }),
    ...(toolOutputs.length === 0 ? {} : { toolOutputs }),
  }
}
