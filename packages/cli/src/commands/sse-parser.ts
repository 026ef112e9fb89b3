/** One Server-Sent Events message. */
export interface SseMessage {
  /** The `event:` field; `message` when the server sent none. */
  event: string
  data: string
  /** The last event ID seen so far (it carries over to later messages), when any. */
  id?: string
}

/**
 * Incremental parser for the `text/event-stream` format (WHATWG HTML, "Server-sent events"):
 * feed it decoded text in chunks of any size; it returns the messages completed by each chunk.
 * Lines may end in CRLF, LF or CR, even when a CRLF is split across two chunks.
 */
export class SseParser {
  /** The last event ID (send it back as `Last-Event-ID` when reconnecting). */
  lastEventId: string | undefined
  /** The reconnection delay the server asked for with `retry:`, in milliseconds. */
  retryMs: number | undefined

  private buffer = ''
  private skipLeadingLf = false
  private started = false
  private eventType = ''
  private data: string[] = []

  /** Parses the next chunk; returns the messages it completed. */
  push(chunk: string): SseMessage[] {
    let text = chunk
    if (text.length === 0) return []
    if (!this.started) {
      this.started = true
      if (text.startsWith('\uFEFF')) text = text.slice(1)
    }
    if (this.skipLeadingLf && text.startsWith('\n')) text = text.slice(1)
    this.skipLeadingLf = false
    this.buffer += text
    const messages: SseMessage[] = []
    let start = 0
    for (let i = 0; i < this.buffer.length; i += 1) {
      const char = this.buffer[i]
      if (char !== '\n' && char !== '\r') continue
      const message = this.line(this.buffer.slice(start, i))
      if (message) messages.push(message)
      if (char === '\r') {
        if (i + 1 === this.buffer.length) this.skipLeadingLf = true
        else if (this.buffer[i + 1] === '\n') i += 1
      }
      start = i + 1
    }
    this.buffer = this.buffer.slice(start)
    return messages
  }

  private line(line: string): SseMessage | undefined {
    if (line === '') return this.dispatch()
    if (line.startsWith(':')) return undefined // a comment (keep-alive)
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') this.eventType = value
    else if (field === 'data') this.data.push(value)
    else if (field === 'id' && !value.includes('\0')) this.lastEventId = value
    else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value)
    return undefined
  }

  private dispatch(): SseMessage | undefined {
    const data = this.data
    const event = this.eventType
    this.data = []
    this.eventType = ''
    if (data.length === 0) return undefined
    return {
      event: event === '' ? 'message' : event,
      data: data.join('\n'),
      ...(this.lastEventId === undefined || this.lastEventId === ''
        ? {}
        : { id: this.lastEventId }),
    }
  }
}
