import { MAX_EVENT_BYTES, type LlmEvent } from '@anansi/protocol'
import { cutMarked, utf8ByteLength } from './bounded-text.js'
import { mapEventText } from './map-event-text.js'

/** An event ready for a batch: its JSON and that JSON's UTF-8 size. */
export interface SerializedEvent {
  event: LlmEvent
  json: string
  bytes: number
}

function measure(event: LlmEvent): SerializedEvent {
  const json = JSON.stringify(event)
  return { event, json, bytes: utf8ByteLength(json) }
}

function longestText(event: LlmEvent): number {
  let longest = 0
  mapEventText(event, (text) => {
    longest = Math.max(longest, text.length)
    return text
  })
  return longest
}

/** Keeps the last `keep` messages of each messages content and drops the bulky optional fields. */
function skeleton(event: LlmEvent, keep: number): LlmEvent {
  const { context: _context, metadata: _metadata, tags: _tags, ...rest } = event
  const trim = (content: LlmEvent['input']): LlmEvent['input'] =>
    content.type === 'messages'
      ? { type: 'messages', messages: content.messages.slice(-Math.max(1, keep)) }
      : content
  return { ...rest, input: trim(rest.input), ...(rest.output ? { output: trim(rest.output) } : {}) }
}

/** The largest `n` in [0, max] for which `fits(n)` holds, given that it is monotone; -1 when none. */
function largestFitting(max: number, fits: (n: number) => boolean): number {
  let low = 0
  let high = max
  let best = -1
  while (low <= high) {
    const mid = Math.floor((low + high) / 2)
    if (fits(mid)) {
      best = mid
      low = mid + 1
    } else high = mid - 1
  }
  return best
}

/**
 * Serialises an event within `MAX_EVENT_BYTES`: first cuts the longest texts as little as needed,
 * then keeps fewer messages and drops context, metadata and tags, as a last resort.
 */
export function fitEventSize(event: LlmEvent, limit: number = MAX_EVENT_BYTES): SerializedEvent {
  const whole = measure(event)
  if (whole.bytes <= limit) return whole
  const capped = (cap: number): SerializedEvent =>
    measure(mapEventText(event, (text) => cutMarked(text, cap)))
  const cap = largestFitting(longestText(event), (n) => capped(n).bytes <= limit)
  if (cap >= 0) return capped(cap)
  const bare = mapEventText(event, () => '')
  const messages = Math.max(
    event.input.type === 'messages' ? event.input.messages.length : 1,
    event.output?.type === 'messages' ? event.output.messages.length : 1,
  )
  const keep = largestFitting(messages, (n) => measure(skeleton(bare, n)).bytes <= limit)
  if (keep >= 1) return measure(skeleton(bare, keep))
  // One message can still be too big (hundreds of long image URLs): keep only the envelope.
  const empty = { type: 'text', text: '' } as const
  return measure({ ...skeleton(bare, 1), input: empty, ...(event.output ? { output: empty } : {}) })
}
