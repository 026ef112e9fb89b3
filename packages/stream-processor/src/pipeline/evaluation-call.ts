import type { CallToEvaluate } from '@anansi/evaluator'
import { contentText, lastUserText, type LlmEvent } from '@anansi/protocol'

/**
 * What the evaluators judge of an event: the last user turn (earlier turns were judged when they
 * were sent), the answer, and the retrieval documents for grounding.
 */
export function evaluationCall(event: LlmEvent): CallToEvaluate {
  const context = event.context?.map((doc) => doc.content)
  return {
    input: lastUserText(event.input),
    ...(event.output === undefined ? {} : { output: contentText(event.output) }),
    ...(context === undefined || context.length === 0 ? {} : { context }),
  }
}
