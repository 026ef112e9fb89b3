import OpenAI from 'openai'
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

const client = (): OpenAI =>
  new OpenAI({ apiKey: 'sk-test', baseURL: `${provider.url}/v1`, maxRetries: 0 })

describe('wrapOpenAI: chat.completions.create', () => {
  it('records a completion: input messages, answer, usage, model, latency', async () => {
    const { monitor } = testMonitor(receiver)
    const openai = monitor.wrapOpenAI(client(), { category: 'support' })
    const completion = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'say: Paris is the capital.' },
      ],
    })
    expect(completion.choices[0]?.message.content).toBe('Paris is the capital.')
    await monitor.shutdown()
    expect(receiver.events).toHaveLength(1)
    expect(receiver.events[0]).toMatchObject({
      model: { provider: 'openai', name: 'gpt-4o-mini', responseModel: 'gpt-4o-mini-2025' },
      category: 'support',
      operation: 'chat',
      input: {
        type: 'messages',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'say: Paris is the capital.' },
        ],
      },
      output: {
        type: 'messages',
        messages: [{ role: 'assistant', content: 'Paris is the capital.' }],
      },
      usage: { inputTokens: 5, outputTokens: 5, totalTokens: 10 },
      status: 'ok',
    })
  })

  it('keeps APIPromise helpers such as withResponse()', async () => {
    const { monitor } = testMonitor(receiver)
    const openai = monitor.wrapOpenAI(client())
    const { data, response } = await openai.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'say: hi' }] })
      .withResponse()
    expect(data.choices[0]?.message.content).toBe('hi')
    expect(response.status).toBe(200)
    await monitor.shutdown()
    expect(receiver.events).toHaveLength(1)
  })

  it('records tool calls', async () => {
    const { monitor } = testMonitor(receiver)
    const openai = monitor.wrapOpenAI(client())
    await openai.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'tool: get_weather {"city":"Oslo"}' }],
      tools: [
        { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
      ],
    })
    await monitor.shutdown()
    expect(receiver.events[0]?.output).toEqual({
      type: 'messages',
      messages: [
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }],
        },
      ],
    })
  })

  it('passes a stream through untouched and records text, usage and time to first token at its end', async () => {
    const { monitor } = testMonitor(receiver)
    const raw = client()
    const text = 'Streaming answers arrive in many small pieces.'
    const collect = async (openai: OpenAI): Promise<string[]> => {
      const stream = await openai.chat.completions.create({
        model: 'm',
        messages: [{ role: 'user', content: `say: ${text}` }],
        stream: true,
        stream_options: { include_usage: true },
      })
      const seen: string[] = []
      for await (const chunk of stream) seen.push(JSON.stringify(chunk))
      return seen
    }
    const bare = await collect(raw)
    const wrapped = await collect(monitor.wrapOpenAI(raw))
    expect(wrapped).toEqual(bare) // same chunks, same order
    await monitor.shutdown()
    const event = receiver.events[0]
    expect(event?.output).toEqual({
      type: 'messages',
      messages: [{ role: 'assistant', content: text }],
    })
    expect(event?.usage).toEqual({ inputTokens: 8, outputTokens: 8, totalTokens: 16 })
    expect(event?.timeToFirstTokenMs).toBeGreaterThan(0)
    expect(event?.timeToFirstTokenMs).toBeLessThan(event?.latencyMs ?? 0)
    expect(event?.metadata).toEqual({ 'anansi.stream': 'done' })
  })

  it('records streamed tool calls assembled from their deltas', async () => {
    const { monitor } = testMonitor(receiver)
    const openai = monitor.wrapOpenAI(client())
    const stream = await openai.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'tool: lookup {"id":12345,"verbose":true}' }],
      stream: true,
    })
    for await (const _chunk of stream) {
      // drain
    }
    await monitor.shutdown()
    const output = receiver.events[0]?.output
    expect(output).toEqual({
      type: 'messages',
      messages: [
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'call_1', name: 'lookup', arguments: '{"id":12345,"verbose":true}' }],
        },
      ],
    })
  })

  it('records an abandoned stream (break) with the text seen so far', async () => {
    const { monitor } = testMonitor(receiver)
    const openai = monitor.wrapOpenAI(client())
    const stream = await openai.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: `say: ${'long answer '.repeat(20)}` }],
      stream: true,
    })
    let chunks = 0
    for await (const _chunk of stream) {
      chunks += 1
      if (chunks === 3) break // the role delta, then two 8-character pieces
    }
    await monitor.shutdown()
    expect(receiver.events).toHaveLength(1)
    expect(receiver.events[0]?.metadata).toEqual({ 'anansi.stream': 'abandoned' })
    const output = receiver.events[0]?.output
    expect(output?.type === 'messages' && output.messages[0]?.content).toBe('long answer long')
  })

  it('works with tee() and toReadableStream() on the same stream object', async () => {
    const { monitor } = testMonitor(receiver)
    const openai = monitor.wrapOpenAI(client())
    const stream = await openai.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'say: tee me' }],
      stream: true,
    })
    const [left, right] = stream.tee()
    const read = async (
      s: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>,
    ): Promise<string> => {
      let out = ''
      for await (const chunk of s) out += chunk.choices[0]?.delta.content ?? ''
      return out
    }
    expect(await Promise.all([read(left), read(right)])).toEqual(['tee me', 'tee me'])
    await monitor.shutdown()
    expect(receiver.events).toHaveLength(1)
  })

  it('records errors and re-throws the provider error unchanged', async () => {
    const { monitor } = testMonitor(receiver)
    const raw = client()
    const openai = monitor.wrapOpenAI(raw)
    const bareError = await raw.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'fail: 429' }] })
      .catch((e: unknown) => e)
    const error = await openai.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'fail: 429' }] })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.RateLimitError)
    expect((error as Error).constructor).toBe((bareError as Error).constructor)
    await expect(
      openai.chat.completions.create({
        model: 'm',
        messages: [{ role: 'user', content: 'fail: 500' }],
      }),
    ).rejects.toBeInstanceOf(OpenAI.InternalServerError)
    await monitor.shutdown()
    expect(receiver.events.map((e) => [e.status, e.error?.httpStatus, e.error?.type])).toEqual([
      ['error', 429, 'RateLimitError'],
      ['error', 500, 'InternalServerError'],
    ])
  })

  it('does not double-record when a client is wrapped twice', async () => {
    const { monitor } = testMonitor(receiver)
    const once = monitor.wrapOpenAI(client())
    const twice = monitor.wrapOpenAI(once)
    expect(twice).toBe(once)
    expect(twice.chat.completions).toBe(once.chat.completions) // stable wrappers
    await twice.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })
    await monitor.shutdown()
    expect(receiver.events).toHaveLength(1)
  })

  it('leaves the other resources alone', async () => {
    const { monitor } = testMonitor(receiver)
    const raw = client()
    const openai = monitor.wrapOpenAI(raw)
    expect(openai.models).toBe(raw.models)
    expect(openai.apiKey).toBe('sk-test')
    expect(openai).toBeInstanceOf(OpenAI)
    await monitor.shutdown()
  })
})

describe('wrapOpenAI: responses.create', () => {
  it('records instructions, input, output text and usage', async () => {
    const { monitor } = testMonitor(receiver)
    const openai = monitor.wrapOpenAI(client())
    const response = await openai.responses.create({
      model: 'gpt-4.1',
      instructions: 'Be kind.',
      input: 'say: Hello there.',
    })
    expect(response.output_text).toBe('Hello there.')
    await monitor.shutdown()
    expect(receiver.events[0]).toMatchObject({
      model: { provider: 'openai', name: 'gpt-4.1' },
      input: {
        type: 'messages',
        messages: [
          { role: 'system', content: 'Be kind.' },
          { role: 'user', content: 'say: Hello there.' },
        ],
      },
      output: { type: 'messages', messages: [{ role: 'assistant', content: 'Hello there.' }] },
      usage: { inputTokens: 3, outputTokens: 3, totalTokens: 6 },
    })
  })

  it('records function calls and conversation items', async () => {
    const { monitor } = testMonitor(receiver)
    const openai = monitor.wrapOpenAI(client())
    await openai.responses.create({
      model: 'm',
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'earlier' }] },
        { type: 'function_call', call_id: 'c0', name: 'f', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c0', output: 'result' },
        { role: 'user', content: 'tool: search {"q":"x"}' },
      ],
    })
    await monitor.shutdown()
    const event = receiver.events[0]
    expect(event?.input).toEqual({
      type: 'messages',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'earlier' }] },
        { role: 'assistant', content: '', toolCalls: [{ id: 'c0', name: 'f', arguments: '{}' }] },
        { role: 'tool', content: 'result', toolCallId: 'c0' },
        { role: 'user', content: 'tool: search {"q":"x"}' },
      ],
    })
    expect(event?.output).toEqual({
      type: 'messages',
      messages: [
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'call_1', name: 'search', arguments: '{"q":"x"}' }],
        },
      ],
    })
  })

  it('records a streamed response from its events', async () => {
    const { monitor } = testMonitor(receiver)
    const openai = monitor.wrapOpenAI(client())
    const stream = await openai.responses.create({
      model: 'm',
      input: 'say: streamed responses work',
      stream: true,
    })
    let text = ''
    for await (const event of stream)
      if (event.type === 'response.output_text.delta') text += event.delta
    expect(text).toBe('streamed responses work')
    await monitor.shutdown()
    expect(receiver.events[0]).toMatchObject({
      output: {
        type: 'messages',
        messages: [{ role: 'assistant', content: 'streamed responses work' }],
      },
      usage: { inputTokens: 4, outputTokens: 4, totalTokens: 8 },
    })
    expect(receiver.events[0]?.timeToFirstTokenMs).toBeGreaterThan(0)
  })
})
