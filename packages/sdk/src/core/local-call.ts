import type { LocalCall } from '../gating/local-evaluator.js'
import { contentText, lastUserText } from '@anansi/protocol'
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

/** What the evaluator judges of a call: the last user turn, the answer, and the retrieval documents. */
export function toLocalCall(record: CallRecord): LocalCall {
  const context = contextTexts(record.context)
  const input = toContent(record.inputMap ? record.inputMap(record.input) : record.input)
  return {
    input: lastUserText(input),
    ...(record.output === undefined ? {} : { output: contentText(record.output) }),
    ...(context === undefined || context.length === 0 ? {} : { context }),
  }
}
