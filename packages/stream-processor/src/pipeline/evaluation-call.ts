import type { CallToEvaluate } from '@anansi/evaluator'
import { contentText, lastUserText, latestToolOutputs, type LlmEvent } from '@anansi/protocol'

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
