import { describe, expect, it } from 'vitest'
import { contentText, lastUserText } from '@anansi/protocol'
import { toContent } from './content.js'

describe('toContent', () => {
  it('keeps text as text and turns other values into JSON text', () => {
    expect(toContent('hi')).toEqual({ type: 'text', text: 'hi' })
    expect(toContent(undefined)).toEqual({ type: 'text', text: '' })
    expect(toContent(42)).toEqual({ type: 'text', text: '42' })
    expect(toContent({ a: 1n })).toEqual({ type: 'text', text: '{"a":"1"}' })
    expect(toContent(['a', 'b'])).toEqual({ type: 'text', text: 'a\nb' })
  })

  it('reads OpenAI messages: parts, images (never data URLs), tool calls and tool results', () => {
    const content = toContent([
      { role: 'system', content: 'be nice' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image_url', image_url: { url: 'https://x.test/a.png' } },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'done' },
      { role: 'function', name: 'legacy', content: 'old' },
    ])
    expect(content).toEqual({
      type: 'messages',
      messages: [
        { role: 'system', content: 'be nice' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image', url: 'https://x.test/a.png' },
            { type: 'image' },
          ],
        },
        { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'f', arguments: '{}' }] },
        { role: 'tool', content: 'done', toolCallId: 'c1' },
        { role: 'tool', content: 'old', name: 'legacy' },
      ],
    })
  })

  it('reads Anthropic image sources and unknown roles', () => {
    const content = toContent([
      {
        role: 'human',
        content: [
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
        ],
      },
      { role: 'narrator', content: 'x' },
    ])
    expect(content).toEqual({
      type: 'messages',
      messages: [
        { role: 'user', content: [{ type: 'image', mediaType: 'image/png' }] },
        { role: 'user', content: 'x' },
      ],
    })
  })

  it('keeps the most recent 1000 messages of a longer conversation', () => {
    const messages = Array.from({ length: 1_200 }, (_, i) => ({ role: 'user', content: String(i) }))
    const content = toContent(messages)
    expect(content.type === 'messages' && content.messages.length).toBe(1_000)
    expect(content.type === 'messages' && content.messages[0]?.content).toBe('200')
  })

  it('gives the evaluator the last user turn and all answer text', () => {
    const content = toContent([
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'reply' },
      { role: 'user', content: [{ type: 'text', text: 'second' }] },
    ])
    expect(lastUserText(content)).toBe('second')
    expect(contentText(content, 'assistant')).toBe('reply')
  })
})
