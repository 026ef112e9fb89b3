import Anthropic from '@anthropic-ai/sdk'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startFakeProvider, type FakeProvider } from './fixtures/fake-provider.js'
import { startIngestReceiver, type IngestReceiver } from './fixtures/ingest-receiver.js'
import { testMonitor } from './fixtures/test-monitor.js'

let provider: FakeProvider
let receiver: IngestReceiver
beforeAll(async () => {
  provider = await startFakeProvider({ delayMs: 3 })
})
afterAll(async () => {
  await provider.close()
})
beforeEach(async () => {
  receiver = await startIngestReceiver()
})
afterEach(async () => {
  expect(receiver.invalid).toEqual([])
  await receiver.close()
})

const client = (): Anthropic =>
  new Anthropic({ apiKey: 'sk-ant-test', baseURL: provider.url, maxRetries: 0 })

describe('wrapAnthropic: messages.create', () => {
  it('records system, messages, answer, usage and model', async () => {
    const { monitor } = testMonitor(receiver)
    const anthropic = monitor.wrapAnthropic(client(), { category: 'assistant' })
    const message = await anthropic.messages.create({
      model: 'claude-sonnet',
      max_tokens: 100,
      system: 'You are terse.',
      messages: [{ role: 'user', content: 'say: Bonjour.' }],
    })
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Bonjour.' })
    await monitor.shutdown()
    expect(receiver.events[0]).toMatchObject({
      model: { provider: 'anthropic', name: 'claude-sonnet', responseModel: 'claude-sonnet-2025' },
      category: 'assistant',
      input: {
        type: 'messages',
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'say: Bonjour.' },
        ],
      },
      output: { type: 'messages', messages: [{ role: 'assistant', content: 'Bonjour.' }] },
      usage: { inputTokens: 2, outputTokens: 2, totalTokens: 4 },
    })
  })

  it('records tool use, and tool results in the conversation', async () => {
    const { monitor } = testMonitor(receiver)
    const anthropic = monitor.wrapAnthropic(client())
    await anthropic.messages.create({
      model: 'm',
      max_tokens: 100,
      tools: [{ name: 'get_time', input_schema: { type: 'object' } }],
      messages: [
        { role: 'user', content: 'what time?' },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'toolu_0', name: 'get_time', input: {} }],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_0', content: '12:00' },
            { type: 'text', text: 'tool: get_time {"tz":"UTC"}' },
          ],
        },
      ],
    })
    await monitor.shutdown()
    const event = receiver.events[0]
    expect(event?.input).toEqual({
      type: 'messages',
      messages: [
        { role: 'user', content: 'what time?' },
        {
          role: 'assistant',
          content: [],
          toolCalls: [{ id: 'toolu_0', name: 'get_time', arguments: '{}' }],
        },
        { role: 'tool', content: '12:00', toolCallId: 'toolu_0' },
        { role: 'user', content: [{ type: 'text', text: 'tool: get_time {"tz":"UTC"}' }] },
      ],
    })
    expect(event?.output).toEqual({
      type: 'messages',
      messages: [
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'toolu_1', name: 'get_time', arguments: '{"tz":"UTC"}' }],
        },
      ],
    })
  })

  it('passes a stream through and records its text, usage and time to first token', async () => {
    const { monitor } = testMonitor(receiver)
    const anthropic = monitor.wrapAnthropic(client())
    const stream = await anthropic.messages.create({
      model: 'm',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'say: streamed from claude' }],
      stream: true,
    })
    let text = ''
    for await (const event of stream)
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta')
        text += event.delta.text
    expect(text).toBe('streamed from claude')
    await monitor.shutdown()
    expect(receiver.events[0]).toMatchObject({
      output: {
        type: 'messages',
        messages: [{ role: 'assistant', content: 'streamed from claude' }],
      },
      usage: { inputTokens: 4, outputTokens: 4, totalTokens: 8 },
      model: { responseModel: 'm-2025' },
    })
    expect(receiver.events[0]?.timeToFirstTokenMs).toBeGreaterThan(0)
  })

  it('records calls made through the messages.stream() helper', async () => {
    const { monitor } = testMonitor(receiver)
    const anthropic = monitor.wrapAnthropic(client())
    const final = await anthropic.messages
      .stream({
        model: 'm',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'say: via helper' }],
      })
      .finalMessage()
    expect(final.content[0]).toMatchObject({ text: 'via helper' })
    await monitor.shutdown()
    expect(receiver.events).toHaveLength(1)
    expect(receiver.events[0]?.output).toEqual({
      type: 'messages',
      messages: [{ role: 'assistant', content: 'via helper' }],
    })
  })

  it('records streamed tool use', async () => {
    const { monitor } = testMonitor(receiver)
    const anthropic = monitor.wrapAnthropic(client())
    const stream = await anthropic.messages.create({
      model: 'm',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'tool: lookup {"sku":"A-1","qty":3}' }],
      stream: true,
    })
    for await (const _event of stream) {
      // drain
    }
    await monitor.shutdown()
    expect(receiver.events[0]?.output).toEqual({
      type: 'messages',
      messages: [
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'toolu_1', name: 'lookup', arguments: '{"sku":"A-1","qty":3}' }],
        },
      ],
    })
  })

  it('records errors and re-throws them unchanged', async () => {
    const { monitor } = testMonitor(receiver)
    const anthropic = monitor.wrapAnthropic(client())
    await expect(
      anthropic.messages.create({
        model: 'm',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'fail: 529' }],
      }),
    ).rejects.toBeInstanceOf(Anthropic.APIError)
    await expect(
      anthropic.messages.create({
        model: 'm',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'fail: 429' }],
      }),
    ).rejects.toBeInstanceOf(Anthropic.RateLimitError)
    await monitor.shutdown()
    expect(receiver.events.map((e) => [e.status, e.error?.httpStatus])).toEqual([
      ['error', 529],
      ['error', 429],
    ])
  })

  it('does not double-record when wrapped twice', async () => {
    const { monitor } = testMonitor(receiver)
    const anthropic = monitor.wrapAnthropic(monitor.wrapAnthropic(client()))
    await anthropic.messages.create({
      model: 'm',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    })
    await monitor.shutdown()
    expect(receiver.events).toHaveLength(1)
  })
})
