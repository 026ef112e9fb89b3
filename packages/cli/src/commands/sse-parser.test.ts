import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SseParser, type SseMessage } from './sse-parser.js'

/** Feeds `text` to a fresh parser cut at the given positions; returns every message. */
function parseInChunks(text: string, cuts: number[]): SseMessage[] {
  const parser = new SseParser()
  const positions = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b)
  const messages: SseMessage[] = []
  let from = 0
  for (const to of [...positions, text.length]) {
    messages.push(...parser.push(text.slice(from, to)))
    from = to
  }
  return messages
}

describe('SseParser', () => {
  it('parses events, data lines, ids carried over, comments and retry', () => {
    const parser = new SseParser()
    const messages = parser.push(
      ': keep-alive\nevent: ready\ndata: {"a":1}\n\nid: 7\nevent: verdict\ndata: line one\ndata:line two\n\ndata: plain\n\nretry: 250\n\n',
    )
    expect(messages).toEqual([
      { event: 'ready', data: '{"a":1}' },
      { event: 'verdict', data: 'line one\nline two', id: '7' },
      { event: 'message', data: 'plain', id: '7' },
    ])
    expect(parser.retryMs).toBe(250)
    expect(parser.lastEventId).toBe('7')
  })

  it('dispatches nothing for a block without data, and keeps an unfinished message for later', () => {
    const parser = new SseParser()
    expect(parser.push('event: heartbeat\n\ndata: half')).toEqual([])
    expect(parser.push('\n\n')).toEqual([{ event: 'message', data: 'half' }])
  })

  it('treats a CRLF split across two chunks as one line break', () => {
    const parser = new SseParser()
    expect(parser.push('data: a\r')).toEqual([])
    expect(parser.push('\n\r\n')).toEqual([{ event: 'message', data: 'a' }])
  })

  it('skips a byte order mark at the start of the stream only', () => {
    expect(new SseParser().push('\uFEFFdata: x\n\n')).toEqual([{ event: 'message', data: 'x' }])
  })

  it('reads the same messages however the stream is cut and whichever line endings it uses', () => {
    const message = fc.record({
      event: fc.constantFrom('event', 'verdict', 'ready'),
      // Data may hold any text; line breaks inside it become separate data lines.
      data: fc.string({ unit: fc.constantFrom('a', 'é', ' ', ':', '{', '\n', '\r', '😀') }),
      id: fc.option(fc.stringMatching(/^[0-9a-f-]{1,12}$/), { nil: undefined }),
    })
    fc.assert(
      fc.property(
        fc.array(message, { maxLength: 8 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.array(fc.nat(), { maxLength: 10 }),
        (messages, eol, cuts) => {
          const text = messages
            .map(
              (m) =>
                `event: ${m.event}${eol}` +
                (m.id === undefined ? '' : `id: ${m.id}${eol}`) +
                m.data
                  .split(/\r\n|\r|\n/)
                  .map((line) => `data: ${line}${eol}`)
                  .join('') +
                eol,
            )
            .join('')
          let lastId: string | undefined
          const expected = messages.map((m) => {
            lastId = m.id ?? lastId
            return {
              event: m.event,
              data: m.data.replace(/\r\n|\r/g, '\n'),
              ...(lastId === undefined ? {} : { id: lastId }),
            }
          })
          expect(parseInChunks(text, cuts)).toEqual(expected)
        },
      ),
    )
  })
})
