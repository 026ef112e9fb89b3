import {
  ANANSI_CATEGORY_ATTRIBUTE,
  MAX_EVENTS_PER_BATCH,
  spanToEvent,
  type LlmEvent,
  type SpanLike,
} from '@anansi/protocol'
import { acceptBatch, type AcceptDeps } from '../ingest/accept-batch.js'
import type { PartialSuccess } from './otlp-response.js'

/** What became of the spans of one OTLP request. */
export interface SpanOutcome {
  spans: number
  accepted: number
  duplicates: number
  /** GenAI spans whose event failed validation: OTLP's `rejected_spans`. */
  rejected: number
  ignored: { notGenAi: number; anansiSdk: number }
  /** The first validation problems, for the partial-success message. */
  problems: string[]
}

/**
 * Turns GenAI spans into events and accepts them like a batch (validated one by one, deduplicated
 * by their span-derived ids, durable on the bus before this resolves); other spans are counted.
 * A resource may name the category of its spans' events with the `anansi.category` attribute.
 */
export async function acceptSpans(
  deps: AcceptDeps,
  spans: readonly SpanLike[],
): Promise<SpanOutcome> {
  const outcome: SpanOutcome = {
    spans: spans.length,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    ignored: { notGenAi: 0, anansiSdk: 0 },
    problems: [],
  }
  const events: LlmEvent[] = []
  for (const span of spans) {
    const category = span.resource?.[ANANSI_CATEGORY_ATTRIBUTE]
    const mapping = spanToEvent(span, typeof category === 'string' ? { category } : {})
    if (mapping.kind === 'event') events.push(mapping.event)
    else if (mapping.reason === 'anansi_sdk') outcome.ignored.anansiSdk += 1
    else outcome.ignored.notGenAi += 1
  }
  for (let at = 0; at < events.length; at += MAX_EVENTS_PER_BATCH) {
    const { body } = await acceptBatch(deps, {
      events: events.slice(at, at + MAX_EVENTS_PER_BATCH),
    })
    outcome.accepted += body.accepted
    outcome.duplicates += body.duplicates
    outcome.rejected += body.rejected
    for (const result of body.results)
      for (const issue of result.errors ?? [])
        if (outcome.problems.length < 3)
          outcome.problems.push(`${issue.path.join('.')}: ${issue.message}`)
  }
  return outcome
}

/** The OTLP partial success of an outcome; undefined when every span was taken as it was. */
export function partialSuccess(outcome: SpanOutcome): PartialSuccess | undefined {
  const { notGenAi, anansiSdk } = outcome.ignored
  if (outcome.rejected === 0 && notGenAi === 0 && anansiSdk === 0) return undefined
  const notes = [
    outcome.rejected > 0
      ? `${outcome.rejected} GenAI span(s) rejected (${outcome.problems.join('; ')})`
      : '',
    notGenAi > 0 ? `${notGenAi} span(s) ignored: not GenAI model calls` : '',
    anansiSdk > 0 ? `${anansiSdk} span(s) ignored: already events from the Anansi SDK` : '',
  ]
  return { rejectedSpans: outcome.rejected, errorMessage: notes.filter(Boolean).join('; ') }
}
