import { describe, expect, it } from 'vitest'
import type { Content } from './content.js'
import { lastUserText, latestToolOutputs } from './content-text.js'

const messages = (...list: [role: 'user' | 'assistant' | 'tool', text: string][]): Content => ({
  type: 'messages',
  messages: list.map(([role, content]) => ({ role, content })),
})

describe('latestToolOutputs', () => {
  it('keeps the tool results after the last user turn, in order', () => {
    const content = messages(
      ['user', 'first question'],
      ['tool', 'old result'],
      ['user', 'Summarise my inbox.'],
      ['assistant', 'calling the mail tool'],
      ['tool', 'mail 1'],
      ['tool', 'mail 2'],
    )
    expect(latestToolOutputs(content)).toEqual(['mail 1', 'mail 2'])
    expect(lastUserText(content)).toBe('Summarise my inbox.')
  })

  it('is empty for plain text and for a turn that ends with the user', () => {
    expect(latestToolOutputs({ type: 'text', text: 'hello' })).toEqual([])
    expect(latestToolOutputs(messages(['tool', 'earlier'], ['user', 'now']))).toEqual([])
  })

  it('reads the text parts of multi-part tool messages', () => {
    const content: Content = {
      type: 'messages',
      messages: [
        { role: 'user', content: 'q' },
        {
          role: 'tool',
          content: [
            { type: 'text', text: 'part one, ' },
            { type: 'text', text: 'part two' },
          ],
        },
      ],
    }
    expect(latestToolOutputs(content)).toEqual(['part one, part two'])
  })
})
