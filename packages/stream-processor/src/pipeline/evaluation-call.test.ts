import { uuidv7, type LlmEvent } from '@anansi/protocol'
import { describe, expect, it } from 'vitest'
import { evaluationCall } from './evaluation-call.js'

const event = (overrides: Partial<LlmEvent>): LlmEvent => ({
  id: uuidv7(),
  timestamp: new Date().toISOString(),
  model: { provider: 'openai', name: 'gpt-4o' },
  category: 'agent',
  input: { type: 'text', text: 'hi' },
  status: 'ok',
  ...overrides,
})

describe('evaluationCall', () => {
  it('passes the tool results read since the last user turn, not older ones', () => {
    const call = evaluationCall(
      event({
        input: {
          type: 'messages',
          messages: [
            { role: 'user', content: 'Check my inbox.' },
            { role: 'tool', content: 'an old tool result' },
            { role: 'user', content: 'Summarise the latest e-mail.' },
            {
              role: 'assistant',
              content: '',
              toolCalls: [{ id: 'c1', name: 'inbox', arguments: '{}' }],
            },
            {
              role: 'tool',
              content: [{ type: 'text', text: 'E-mail 1: invoice attached.' }],
              toolCallId: 'c1',
            },
            { role: 'tool', content: 'E-mail 2: lunch on Friday?', toolCallId: 'c1' },
          ],
        },
        context: [{ content: 'a retrieved page' }],
      }),
    )
    expect(call).toEqual({
      input: 'Summarise the latest e-mail.',
      context: ['a retrieved page'],
      toolOutputs: ['E-mail 1: invoice attached.', 'E-mail 2: lunch on Friday?'],
    })
  })

  it('leaves toolOutputs out when the turn has none', () => {
    expect(evaluationCall(event({ output: { type: 'text', text: 'hello' } }))).toEqual({
      input: 'hi',
      output: 'hello',
    })
  })
})
