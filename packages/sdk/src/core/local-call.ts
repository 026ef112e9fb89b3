import type { LocalCall } from '../gating/local-evaluator.js'
import { contentText, lastUserText, latestToolOutputs } from '@anansi/protocol'
import { toContent } from '../event/content.js'
import { isRecord } from '../event/content-parts.js'
import type { CallRecord } from './call-record.js'

/** Retrieval documents as plain strings, whatever shape the app passed them in. */
function contextTexts(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined
  const list: unknown[] = Array.isArray(value) ? value : [value]
  return list.flatMap((doc) =>
    typeof doc === 'string'
      ? [doc]
      : isRecord(doc) && typeof doc.content === 'string'
        ? [doc.content]
        : [],
  )
}

/**
 * What the evaluator judges of a call: the last user turn, the answer, the retrieval documents and
 * the tool results read since that turn (the stream processor judges the same parts of an event).
 */
export function toLocalCall(record: CallRecord): LocalCall {
  const context = contextTexts(record.context)
  const input = toContent(record.inputMap ? record.inputMap(record.input) : record.input)
  const toolOutputs = latestToolOutputs(input)
  return {
    input: lastUserText(input),
    ...(record.output === undefined ? {} : { output: contentText(record.output) }),
    ...(context === undefined || context.length === 0 ? {} : { context }),
    ...(toolOutputs.length === 0 ? {} : { toolOutputs }),
  }
}
